using System.CommandLine;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Kms.Attestation.Providers;
using Kms.Client.Workloads;
using Spectre.Console;

namespace Kms.Cli.Commands;

/// <summary><c>kms certificate issue</c>: a certificate from a namespace CA for this TEE's attested CSR.</summary>
internal static class CertificateCommands
{
    public static Command Create(KmsCli cli)
    {
        var command = new Command("certificate", "Certificates from a namespace CA for attested workloads");
        command.Subcommands.Add(Issue(cli));
        return command;
    }

    private static Command Issue(KmsCli cli)
    {
        Argument<string> ns = NamespaceCommands.NamespaceArgument();
        var csr = new Option<string?>("--csr") { Description = "A PKCS#10 request (PEM); default: a new P-256 key and a request for --cn" };
        var commonName = new Option<string>("--cn") { Description = "The subject CN of a generated request", DefaultValueFactory = _ => "workload" };
        var output = new Option<string>("--out") { Description = "Directory for certificate.pem, ca.pem (and key.pem when generated)", DefaultValueFactory = _ => "." };
        var evidence = new EvidenceOptions();
        var command = new Command("issue", "Proves this TEE and gets a certificate for a CSR (challenge, evidence, POST /v1/namespaces/{ns}/certificates)")
        {
            ns, csr, commonName, output,
        };
        evidence.AddTo(command);
        cli.SetAction(command, async (context, parsed, cancellationToken) =>
        {
            string directory = parsed.GetValue(output)!;
            byte[] request;
            string? keyPem = null;
            if (parsed.GetValue(csr) is string csrFile)
            {
                string pem = CliFiles.ReadText(csrFile, "certificate request", 64 * 1024);
                try
                {
                    request = PemEncoding.TryFind(pem, out PemFields fields) && pem.AsSpan()[fields.Label].SequenceEqual("CERTIFICATE REQUEST")
                        ? Convert.FromBase64String(pem[fields.Base64Data])
                        : throw new FormatException();
                }
                catch (FormatException)
                {
                    throw new CliUsageException($"{csrFile} holds no PEM certificate request.");
                }
            }
            else
            {
                using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
                request = new CertificateRequest($"CN={parsed.GetValue(commonName)}", key, HashAlgorithmName.SHA256).CreateSigningRequest();
                keyPem = key.ExportPkcs8PrivateKeyPem();
            }

            IEvidenceProvider provider = evidence.Create(parsed, context);
            try
            {
                using var http = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
                using var client = new KmsWorkloadClient(http, provider, WorkloadOptions(context, parsed.GetValue(ns)!));
                CertificateBody issued = await context.StatusAsync("Proving this TEE and asking for a certificate…",
                    () => client.IssueCertificateAsync(request, cancellationToken));
                var files = new CertificateFiles(
                    Path.Combine(directory, "certificate.pem"), Path.Combine(directory, "ca.pem"), keyPem is null ? null : Path.Combine(directory, "key.pem"));
                files.Write(issued, keyPem);
                if (context.Json)
                {
                    context.WriteJson(new { issued.Identity, issued.Serial, issued.NotAfter, files.Certificate, files.Ca, files.Key });
                }
                else
                {
                    var table = new Table().HideHeaders().AddColumn("").AddColumn("");
                    table.AddRow("identity", Markup.Escape(issued.Identity));
                    table.AddRow("serial", Markup.Escape(issued.Serial));
                    table.AddRow("not after", Markup.Escape(issued.NotAfter.ToString("u")));
                    table.AddRow("certificate", Markup.Escape(files.Certificate));
                    table.AddRow("CA", Markup.Escape(files.Ca));
                    if (files.Key is not null)
                    {
                        table.AddRow("private key", Markup.Escape(files.Key));
                    }

                    context.Out.Write(table);
                }

                return ExitCodes.Ok;
            }
            finally
            {
                (provider as IDisposable)?.Dispose();
            }
        });
        return command;
    }

    internal static KmsWorkloadClientOptions WorkloadOptions(CliContext context, string ns, string scheme = RecipientSchemes.HpkeX25519)
    {
        var options = new KmsWorkloadClientOptions { Namespace = ns, RecipientScheme = scheme, RequestTimeout = context.Timeout };
        foreach (Uri url in context.Urls)
        {
            options.BaseAddresses.Add(url);
        }

        return options;
    }
}

/// <summary>Where a certificate, its CA and its private key are written.</summary>
internal sealed record CertificateFiles(string Certificate, string Ca, string? Key)
{
    public void Write(CertificateBody issued, string? keyPem)
    {
        if (Key is not null && keyPem is not null)
        {
            CliFiles.Write(Key, keyPem, secret: true);
        }

        CliFiles.Write(Certificate, issued.Certificate, secret: false);
        CliFiles.Write(Ca, issued.CaCertificate, secret: false);
    }
}
