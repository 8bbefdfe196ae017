using System.CommandLine;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Kms.Attestation.Providers;
using Kms.Client.Workloads;
using Spectre.Console;

namespace Kms.Cli.Commands;

/// <summary><c>kms dev workload</c>: plays a TEE workload against a <c>--dev</c> silo, end to end.</summary>
internal static class DevCommands
{
    public static Command Create(KmsCli cli)
    {
        var command = new Command("dev", "Development helpers for a silo started with --dev (never for production)");
        command.Subcommands.Add(Workload(cli));
        return command;
    }

    private static Command Workload(KmsCli cli)
    {
        var ns = new Option<string>("--namespace") { Description = "The namespace (created if missing, governed by its registry)", DefaultValueFactory = _ => "dev-apps" };
        var image = new Option<string>("--image") { Description = "The image name whose SHA-384 is the dev rtmr0 measurement", DefaultValueFactory = _ => "dev-workload" };
        var scheme = new Option<string>("--scheme") { Description = "The recipient scheme releases are sealed to", DefaultValueFactory = _ => RecipientSchemes.HpkeX25519 };
        scheme.AcceptOnlyFromAmong([.. RecipientSchemes.All]);
        var secret = new Option<string>("--secret") { Description = "The namespace secret to fetch (set to 32 random bytes if missing)", DefaultValueFactory = _ => "demo" };
        var commonName = new Option<string>("--cn") { Description = "The certificate's subject CN", DefaultValueFactory = _ => "dev-workload" };
        var output = new Option<string>("--out") { Description = "Directory the key and certificate files are written to", DefaultValueFactory = _ => "./workload" };
        var command = new Command("workload",
            "As the dev admin: creates the namespace, admits the workload's measurement, sets a secret; as the workload: proves itself with dev "
            + "evidence and fetches a derived key, the secret and a certificate for a new key; writes them to --out")
        {
            ns, image, scheme, secret, commonName, output,
        };
        cli.SetAction(command, async (context, parsed, cancellationToken) =>
        {
            var run = new DevWorkloadRun(context, parsed.GetValue(ns)!, parsed.GetValue(secret)!, parsed.GetValue(output)!);
            using DevEvidenceProvider evidence = EvidenceOptions.DevProvider(context, parsed.GetValue(image)!);
            using var http = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
            using var client = new KmsWorkloadClient(http, evidence, CertificateCommands.WorkloadOptions(context, run.Namespace, parsed.GetValue(scheme)!));
            DevWorkloadResult result = await run.RunAsync(client, parsed.GetValue(commonName)!, cancellationToken);
            if (context.Json)
            {
                context.WriteJson(result);
            }
            else
            {
                var table = new Table().HideHeaders().AddColumn("").AddColumn("");
                table.AddRow("namespace", Markup.Escape(result.Namespace));
                table.AddRow("identity", Markup.Escape(result.Identity));
                table.AddRow("instance", Markup.Escape(result.InstanceId));
                table.AddRow("derived key", Markup.Escape($"{result.DerivedKey.Purpose}/{result.DerivedKey.Name} v{result.DerivedKey.Version}, {result.DerivedKey.Length} bytes, epoch {result.DerivedKey.KeyEpoch} → {result.DerivedKey.File}"));
                table.AddRow("secret", Markup.Escape($"{result.Secret.Name} v{result.Secret.Version}, {result.Secret.Length} bytes → {result.Secret.File}"));
                table.AddRow("certificate", Markup.Escape($"serial {result.Certificate.Serial}, until {result.Certificate.NotAfter:u} → {result.Certificate.File}"));
                table.AddRow("CA", Markup.Escape(result.Certificate.CaFile));
                table.AddRow("private key", Markup.Escape(result.Certificate.KeyFile));
                context.Out.Write(table);
                context.Out.MarkupLine($"Check it: [bold]openssl verify -CAfile {Markup.Escape(result.Certificate.CaFile)} {Markup.Escape(result.Certificate.File)}[/]");
            }

            return ExitCodes.Ok;
        });
        return command;
    }
}

/// <summary>What <c>kms dev workload</c> did (its <c>--json</c> output). Never a key or secret value.</summary>
internal sealed record DevWorkloadResult(
    string Namespace, string Identity, string InstanceId, DerivedKeyResult DerivedKey, SecretResult Secret, CertificateResult Certificate);

internal sealed record DerivedKeyResult(string Purpose, string Name, uint Version, int Length, long KeyEpoch, string File);

internal sealed record SecretResult(string Name, long Version, int Length, string File);

internal sealed record CertificateResult(string Serial, DateTimeOffset NotAfter, string File, string CaFile, string KeyFile);
