using System.CommandLine;
using System.Text.Json;
using Kms.Client.Workloads;
using Spectre.Console;

namespace Kms.Cli.Commands;

/// <summary><c>kms namespace create | show</c>.</summary>
internal static class NamespaceCommands
{
    public static Command Create(KmsCli cli)
    {
        var command = new Command("namespace", "Namespaces: their evidence policy, governance, key epoch and CA");
        command.Subcommands.Add(CreateCommand(cli));
        command.Subcommands.Add(Show(cli));
        return command;
    }

    internal static Argument<string> NamespaceArgument() => new("namespace") { Description = "The namespace id" };

    internal static string Path(string ns) => $"v1/namespaces/{Uri.EscapeDataString(ns)}";

    private static Command CreateCommand(KmsCli cli)
    {
        Argument<string> ns = NamespaceArgument();
        var tee = new Option<string[]>("--tee") { Description = "An accepted evidence type (repeat): tdx, sev-snp, azure-cvm, sgx, dev", Required = true };
        var allowDebug = new Option<bool>("--allow-debug") { Description = "Accept evidence of debuggable TEEs" };
        var tcb = new Option<string[]>("--tcb") { Description = "An accepted TCB status (repeat), e.g. UpToDate; none = any" };
        var postQuantum = new Option<bool>("--require-post-quantum") { Description = "Release only to hpke-xwing recipients" };
        var governance = new Option<string>("--governance")
        {
            Description = "registry (default), policy-documents or onchain (the namespace id is the contract address)",
            DefaultValueFactory = _ => "registry",
        };
        governance.AcceptOnlyFromAmong("registry", "policy-documents", "onchain");
        var signers = new Option<string[]>("--signer") { Description = "SCHEME:SIGNER (repeat) of policy documents: ed25519:<64 hex> or secp256k1-eip191:0x<40 hex>" };
        var signerThreshold = new Option<int>("--signer-threshold") { Description = "Distinct signers a policy document needs", DefaultValueFactory = _ => 1 };
        var command = new Command("create", "Creates a namespace (PUT /v1/namespaces/{ns}; admin)")
        {
            ns, tee, allowDebug, tcb, postQuantum, governance, signers, signerThreshold,
        };
        cli.SetAction(command, async (context, parsed, cancellationToken) =>
        {
            string[] signerValues = parsed.GetValue(signers) ?? [];
            object body = new
            {
                policy = new
                {
                    teeTypes = parsed.GetValue(tee),
                    allowDebug = parsed.GetValue(allowDebug),
                    tcbStatuses = parsed.GetValue(tcb) ?? [],
                    requirePostQuantum = parsed.GetValue(postQuantum) ? true : (bool?)null,
                },
                governance = parsed.GetValue(governance),
                policySigners = signerValues.Length == 0 ? null : new
                {
                    threshold = parsed.GetValue(signerThreshold),
                    signers = signerValues.Select(PolicySignerArgument).ToArray(),
                },
            };
            KmsApiTransport transport = context.AdminTransport();
            string path = Path(parsed.GetValue(ns)!);
            byte[] answer = await context.StatusAsync("Creating the namespace (its key is evaluated by the silos)…", () => transport.RunAsync(
                "create the namespace", (silo, ct) => transport.SendAsync(silo, HttpMethod.Put, path, body, ct), cancellationToken));
            Render(context, answer);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Show(KmsCli cli)
    {
        Argument<string> ns = NamespaceArgument();
        var command = new Command("show", "Shows a namespace: governance, policy, key epoch, CA (GET /v1/namespaces/{ns})") { ns };
        cli.SetAction(command, async (context, parsed, cancellationToken) =>
        {
            KmsApiTransport transport = context.PublicTransport();
            string path = Path(parsed.GetValue(ns)!);
            byte[] answer = await context.StatusAsync("Reading the namespace…", () => transport.RunAsync(
                "read the namespace", (silo, ct) => transport.SendAsync(silo, HttpMethod.Get, path, null, ct), cancellationToken));
            Render(context, answer);
            return ExitCodes.Ok;
        });
        return command;
    }

    internal static object PolicySignerArgument(string value)
    {
        int colon = value.IndexOf(':', StringComparison.Ordinal);
        return colon > 0
            ? new { scheme = value[..colon], signer = value[(colon + 1)..] }
            : throw new CliUsageException($"--signer {value}: expected SCHEME:SIGNER.");
    }

    private static void Render(CliContext context, byte[] answer)
    {
        if (context.Json)
        {
            context.WriteJson(answer);
            return;
        }

        using JsonDocument document = JsonDocument.Parse(answer);
        JsonElement root = document.RootElement;
        JsonElement policy = root.GetProperty("policy");
        var grid = new Grid().AddColumn().AddColumn();
        grid.AddRow("namespace", Markup.Escape(root.GetProperty("name").GetString()!));
        grid.AddRow("governance", Markup.Escape(root.GetProperty("governance").GetString()!));
        grid.AddRow("evidence types", Markup.Escape(string.Join(", ", policy.GetProperty("teeTypes").EnumerateArray().Select(t => t.GetString()))));
        grid.AddRow("debug allowed", policy.GetProperty("allowDebug").GetBoolean() ? "yes" : "no");
        grid.AddRow("TCB statuses", Markup.Escape(string.Join(", ", policy.GetProperty("tcbStatuses").EnumerateArray().Select(t => t.GetString())) is { Length: > 0 } s ? s : "any"));
        grid.AddRow("key epoch", root.GetProperty("keyEpoch").GetRawText());
        grid.AddRow("measurements", root.GetProperty("measurements").GetRawText());
        grid.AddRow("created", Markup.Escape(root.GetProperty("createdAt").GetString()!));
        context.Out.Write(grid);
        context.Out.WriteLine(root.GetProperty("caCertificate").GetString()!.TrimEnd());
    }
}
