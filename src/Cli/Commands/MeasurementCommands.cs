using System.CommandLine;
using System.Text.Json;
using Kms.Client.Workloads;
using Spectre.Console;

namespace Kms.Cli.Commands;

/// <summary><c>kms measurement add | revoke | list</c>: a registry namespace's admitted measurement identities.</summary>
internal static class MeasurementCommands
{
    public static Command Create(KmsCli cli)
    {
        var command = new Command("measurement", "The measurement registry of a namespace: which workload identities it admits");
        command.Subcommands.Add(Add(cli));
        command.Subcommands.Add(Revoke(cli));
        command.Subcommands.Add(List(cli));
        return command;
    }

    private static Argument<string> IdentityArgument() => new("identity") { Description = "The measurement identity (64 hex; 'kms dev workload' and POST /v1/attestation/verify print it)" };

    private static Command Add(KmsCli cli)
    {
        Argument<string> ns = NamespaceCommands.NamespaceArgument();
        Argument<string> identity = IdentityArgument();
        var description = new Option<string?>("--description") { Description = "What the identity is (shown in lists)" };
        var command = new Command("add", "Admits a measurement identity (PUT /v1/namespaces/{ns}/measurements/{identity}; admin)") { ns, identity, description };
        cli.SetAction(command, async (context, parsed, cancellationToken) =>
        {
            KmsApiTransport transport = context.AdminTransport();
            string path = $"{NamespaceCommands.Path(parsed.GetValue(ns)!)}/measurements/{Uri.EscapeDataString(parsed.GetValue(identity)!)}";
            byte[] answer = await context.StatusAsync("Admitting the measurement…", () => transport.RunAsync("admit the measurement",
                (silo, ct) => transport.SendAsync(silo, HttpMethod.Put, path, new { description = parsed.GetValue(description) }, ct), cancellationToken));
            RenderOne(context, answer, "admitted");
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Revoke(KmsCli cli)
    {
        Argument<string> ns = NamespaceCommands.NamespaceArgument();
        Argument<string> identity = IdentityArgument();
        var command = new Command("revoke", "Revokes a measurement identity, in force for the next request (DELETE …/measurements/{identity}; admin)") { ns, identity };
        cli.SetAction(command, async (context, parsed, cancellationToken) =>
        {
            KmsApiTransport transport = context.AdminTransport();
            string path = $"{NamespaceCommands.Path(parsed.GetValue(ns)!)}/measurements/{Uri.EscapeDataString(parsed.GetValue(identity)!)}";
            byte[] answer = await context.StatusAsync("Revoking the measurement…", () => transport.RunAsync("revoke the measurement",
                (silo, ct) => transport.SendAsync(silo, HttpMethod.Delete, path, null, ct), cancellationToken));
            RenderOne(context, answer, "revoked");
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command List(KmsCli cli)
    {
        Argument<string> ns = NamespaceCommands.NamespaceArgument();
        var command = new Command("list", "Lists the registry, revoked entries included (GET /v1/namespaces/{ns}/measurements)") { ns };
        cli.SetAction(command, async (context, parsed, cancellationToken) =>
        {
            KmsApiTransport transport = context.PublicTransport();
            string path = $"{NamespaceCommands.Path(parsed.GetValue(ns)!)}/measurements";
            byte[] answer = await context.StatusAsync("Reading the registry…", () => transport.RunAsync("list the measurements",
                (silo, ct) => transport.SendAsync(silo, HttpMethod.Get, path, null, ct), cancellationToken));
            if (context.Json)
            {
                context.WriteJson(answer);
                return ExitCodes.Ok;
            }

            using JsonDocument document = JsonDocument.Parse(answer);
            var table = new Table().AddColumn("identity").AddColumn("description").AddColumn("added").AddColumn("revoked");
            foreach (JsonElement entry in document.RootElement.EnumerateArray())
            {
                table.AddRow(
                    Markup.Escape(Text(entry, "identity")), Markup.Escape(Text(entry, "description")),
                    Markup.Escape($"{Text(entry, "addedAt")} by {Text(entry, "addedBy")}"),
                    entry.TryGetProperty("revokedAt", out JsonElement revoked) && revoked.ValueKind == JsonValueKind.String
                        ? Markup.Escape($"{revoked.GetString()} by {Text(entry, "revokedBy")}") : "-");
            }

            context.Out.Write(table);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static string Text(JsonElement entry, string name) =>
        entry.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.String ? value.GetString()! : string.Empty;

    private static void RenderOne(CliContext context, byte[] answer, string verb)
    {
        if (context.Json)
        {
            context.WriteJson(answer.Length == 0 ? "{}"u8.ToArray() : answer);
            return;
        }

        if (answer.Length == 0)
        {
            context.Out.MarkupLine($"Measurement {verb}.");
            return;
        }

        using JsonDocument document = JsonDocument.Parse(answer);
        context.Out.MarkupLine($"Measurement {Markup.Escape(Text(document.RootElement, "identity"))} {verb}.");
    }
}
