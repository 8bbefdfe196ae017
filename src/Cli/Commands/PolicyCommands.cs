using System.CommandLine;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Kms.Client.Workloads;
using Kms.Crypto.Ed25519;
using Kms.Governance.Policy;
using Spectre.Console;

namespace Kms.Cli.Commands;

/// <summary><c>kms policy init | sign | verify | apply</c>: threshold-signed policy documents (src/Governance/Policy/README.md).</summary>
internal static class PolicyCommands
{
    private const int MaxDocument = SignedPolicyEnvelope.MaxEnvelopeBytes;

    public static Command Create(KmsCli cli)
    {
        var command = new Command("policy", "Threshold-signed policy documents of namespaces governed by 'policy-documents'");
        command.Subcommands.Add(Init(cli));
        command.Subcommands.Add(Sign(cli));
        command.Subcommands.Add(Verify(cli));
        command.Subcommands.Add(Apply(cli));
        return command;
    }

    private static Command Init(KmsCli cli)
    {
        Argument<string> ns = NamespaceCommands.NamespaceArgument();
        var serial = new Option<long>("--serial") { Description = "The document's serial (greater than the one in force)", Required = true };
        var identities = new Option<string[]>("--identity") { Description = "An admitted identity (repeat): 64 lowercase hex" };
        var notAfter = new Option<long?>("--not-after") { Description = "Unix seconds at which every listed identity stops being admitted" };
        var output = new Option<string>("--out") { Description = "The body file to write", Required = true };
        var command = new Command("init", "Writes a new policy body (canonical JSON, validated against the schema)") { ns, serial, identities, notAfter, output };
        cli.SetAction(command, (context, parsed, _) =>
        {
            var body = new JsonObject
            {
                ["version"] = 1,
                ["namespace"] = parsed.GetValue(ns),
                ["serial"] = parsed.GetValue(serial),
                ["identities"] = new JsonArray((parsed.GetValue(identities) ?? []).Select(identity =>
                {
                    var entry = new JsonObject { ["identity"] = identity };
                    if (parsed.GetValue(notAfter) is long limit)
                    {
                        entry["notAfter"] = limit;
                    }

                    return (JsonNode?)entry;
                }).ToArray()),
            };
            byte[] canonical = SignedPolicyBuilder.CanonicalizeBody(JsonSerializer.SerializeToUtf8Bytes(body));
            string file = parsed.GetValue(output)!;
            CliFiles.Write(file, canonical, secret: false);
            Report(context, new { file, @namespace = parsed.GetValue(ns), serial = parsed.GetValue(serial), signatures = 0 }, $"Wrote the policy body to {file}.");
            return Task.FromResult(ExitCodes.Ok);
        });
        return command;
    }

    private static Command Sign(KmsCli cli)
    {
        var document = new Argument<string>("document") { Description = "A policy body or a signed envelope to add a signature to" };
        var ed25519 = new Option<string?>("--ed25519-key") { Description = "A file with the Ed25519 private key: the 32-byte seed in hex or base64" };
        var secp256k1 = new Option<string?>("--secp256k1-key") { Description = "A file with the secp256k1 private key in hex (an Ethereum account key)" };
        var output = new Option<string?>("--out") { Description = "The envelope file to write (default: the document, in place)" };
        var command = new Command("sign", "Adds one admin's signature to a policy document (writes a signed envelope)") { document, ed25519, secp256k1, output };
        cli.SetAction(command, (context, parsed, _) =>
        {
            string file = parsed.GetValue(document)!;
            (byte[] canonical, List<PolicySignatureEntry> signatures) = Load(file);
            byte[] key = ReadPrivateKey(parsed.GetValue(ed25519), parsed.GetValue(secp256k1), out bool isEd25519);
            try
            {
                if (isEd25519)
                {
                    using Ed25519PrivateKey signer = Ed25519PrivateKey.FromSeed(key);
                    signatures.Add(SignedPolicyBuilder.SignEd25519(canonical, signer));
                }
                else
                {
                    signatures.Add(SignedPolicyBuilder.SignSecp256k1Eip191(canonical, key));
                }
            }
            catch (Exception exception) when (exception is ArgumentException or FormatException or CryptographicException)
            {
                throw new CliUsageException($"The signing key is not a valid private key: {exception.Message}");
            }
            finally
            {
                CryptographicOperations.ZeroMemory(key);
            }

            string target = parsed.GetValue(output) ?? file;
            CliFiles.Write(target, SignedPolicyBuilder.Assemble(canonical, signatures), secret: false);
            PolicySigner added = signatures[^1].Signer;
            Report(context, new { file = target, signer = new { scheme = added.Scheme, signer = added.Id }, signatures = signatures.Count },
                $"Signed as {added}; {signatures.Count} signature(s) in {target}.");
            return Task.FromResult(ExitCodes.Ok);
        });
        return command;
    }

    private static Command Verify(KmsCli cli)
    {
        var envelope = new Argument<string>("envelope") { Description = "The signed envelope" };
        var signers = new Option<string[]>("--signer") { Description = "SCHEME:SIGNER (repeat): the namespace's configured signers", Required = true };
        var threshold = new Option<int>("--threshold") { Description = "Distinct configured signers needed", Required = true };
        var ns = new Option<string?>("--namespace") { Description = "The namespace the document must be for" };
        var currentSerial = new Option<long?>("--current-serial") { Description = "The serial in force (the document's must be greater)" };
        var command = new Command("verify", "Verifies a signed envelope as the KMS will (schema, namespace, signatures, threshold, serial); exit 1 if refused")
        {
            envelope, signers, threshold, ns, currentSerial,
        };
        cli.SetAction(command, (context, parsed, _) =>
        {
            PolicySignerSet set;
            try
            {
                set = new PolicySignerSet(
                    (parsed.GetValue(signers) ?? []).Select(value =>
                    {
                        int colon = value.IndexOf(':', StringComparison.Ordinal);
                        return colon > 0 ? PolicySigner.Parse(value[..colon], value[(colon + 1)..]) : throw new CliUsageException($"--signer {value}: expected SCHEME:SIGNER.");
                    }),
                    parsed.GetValue(threshold));
            }
            catch (Exception exception) when (exception is ArgumentException or FormatException)
            {
                throw new CliUsageException($"The signer set is invalid: {exception.Message}");
            }

            byte[] bytes = CliFiles.ReadBytes(parsed.GetValue(envelope)!, "envelope", MaxDocument);
            PolicyVerificationResult result = new PolicyVerifier(set).Verify(bytes, parsed.GetValue(ns), parsed.GetValue(currentSerial));
            var summary = new
            {
                accepted = result.IsAccepted,
                reason = result.Reason?.ToString(),
                message = result.Message,
                @namespace = result.Policy?.Namespace,
                serial = result.Policy?.Serial,
                validSigners = result.ValidSigners.Select(s => s.ToString()).ToArray(),
                threshold = result.Threshold,
                issues = result.Issues.Select(i => new { index = i.Index, signer = i.Signer, kind = i.Kind.ToString() }).ToArray(),
            };
            if (context.Json)
            {
                context.WriteJson(summary);
            }
            else
            {
                var table = new Table().AddColumn("check").AddColumn("result");
                table.AddRow("decision", result.IsAccepted ? "[green]accepted[/]" : $"[red]refused ({result.Reason})[/]");
                table.AddRow("message", Markup.Escape(result.Message));
                table.AddRow("valid signers", Markup.Escape($"{result.ValidSigners.Count} of threshold {result.Threshold}"));
                foreach (PolicySignatureIssue issue in result.Issues)
                {
                    table.AddRow($"signature {issue.Index}", Markup.Escape($"{issue.Signer}: {issue.Kind}"));
                }

                context.Out.Write(table);
            }

            return Task.FromResult(result.IsAccepted ? ExitCodes.Ok : ExitCodes.Refused);
        });
        return command;
    }

    private static Command Apply(KmsCli cli)
    {
        Argument<string> ns = NamespaceCommands.NamespaceArgument();
        var envelope = new Argument<string>("envelope") { Description = "The signed envelope" };
        var command = new Command("apply", "Puts a signed envelope in force (PUT /v1/namespaces/{ns}/policy-document; admin)") { ns, envelope };
        cli.SetAction(command, async (context, parsed, cancellationToken) =>
        {
            byte[] bytes = CliFiles.ReadBytes(parsed.GetValue(envelope)!, "envelope", MaxDocument);
            KmsApiTransport transport = context.AdminTransport();
            string path = $"{NamespaceCommands.Path(parsed.GetValue(ns)!)}/policy-document";
            byte[] answer = await context.StatusAsync("Applying the policy document…", () => transport.RunAsync(
                "apply the policy document", (silo, ct) => transport.SendAsync(silo, HttpMethod.Put, path, bytes, ct), cancellationToken));
            if (context.Json)
            {
                context.WriteJson(answer);
            }
            else
            {
                using JsonDocument document = JsonDocument.Parse(answer);
                context.Out.MarkupLine($"Policy serial {document.RootElement.GetProperty("serial").GetRawText()} in force "
                    + $"({document.RootElement.GetProperty("identities").GetRawText()} identities).");
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>A body (no signatures yet) or an envelope's canonical body and signatures.</summary>
    private static (byte[] Canonical, List<PolicySignatureEntry> Signatures) Load(string file)
    {
        byte[] bytes = CliFiles.ReadBytes(file, "policy document", MaxDocument);
        bool isEnvelope;
        try
        {
            using JsonDocument document = JsonDocument.Parse(bytes);
            isEnvelope = document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("signatures", out _);
        }
        catch (JsonException exception)
        {
            throw new CliUsageException($"The policy document {file} is not JSON: {exception.Message}");
        }

        if (!isEnvelope)
        {
            return (SignedPolicyBuilder.CanonicalizeBody(bytes), []);
        }

        SignedPolicyEnvelope envelope = SignedPolicyEnvelope.Parse(bytes);
        return (envelope.CanonicalBody, [.. envelope.Signatures]);
    }

    private static byte[] ReadPrivateKey(string? ed25519File, string? secp256k1File, out bool isEd25519)
    {
        if ((ed25519File is null) == (secp256k1File is null))
        {
            throw new CliUsageException("Give exactly one of --ed25519-key and --secp256k1-key.");
        }

        isEd25519 = ed25519File is not null;
        string file = ed25519File ?? secp256k1File!;
        string text = CliFiles.ReadText(file, "signing key", 4096).Trim();
        string hex = text.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? text[2..] : text;
        byte[] key;
        try
        {
            key = hex.Length == 64 && hex.All(char.IsAsciiHexDigit) ? Convert.FromHexString(hex) : Convert.FromBase64String(text);
        }
        catch (FormatException)
        {
            key = [];
        }

        return key.Length == 32 ? key : throw new CliUsageException($"The signing key {file} is not 32 bytes in hex or base64.");
    }

    private static void Report(CliContext context, object json, string text)
    {
        if (context.Json)
        {
            context.WriteJson(json);
        }
        else
        {
            context.Out.MarkupLine(Markup.Escape(text));
        }
    }
}
