using System.CommandLine;
using System.Text;
using System.Text.Json;
using Kms.Client.Workloads;
using Kms.Crypto.Hpke;
using Spectre.Console;

namespace Kms.Cli.Commands;

/// <summary><c>kms cluster init | status | recover | refresh</c>.</summary>
internal static class ClusterCommands
{
    public static Command Create(KmsCli cli)
    {
        var cluster = new Command("cluster", "The root key: its committee, threshold, epoch; init, recovery and refresh");
        cluster.Subcommands.Add(Status(cli));
        cluster.Subcommands.Add(Init(cli));
        cluster.Subcommands.Add(Recover(cli));
        cluster.Subcommands.Add(Refresh(cli));
        return cluster;
    }

    private static Command Status(KmsCli cli)
    {
        var command = new Command("status", "Shows the cluster's state, epoch, threshold and committee (GET /v1/cluster)");
        cli.SetAction(command, async (context, _, cancellationToken) =>
        {
            KmsApiTransport transport = context.PublicTransport();
            byte[] answer = await context.StatusAsync("Reading the cluster status…", () => transport.RunAsync(
                "read the cluster status", (silo, ct) => transport.SendAsync(silo, HttpMethod.Get, "v1/cluster", null, ct), cancellationToken));
            Render(context, answer);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Init(KmsCli cli)
    {
        var threshold = new Option<int>("--threshold") { Description = "t: how many silos must take part in every key evaluation", Required = true };
        var admins = new Option<string[]>("--admin")
        {
            Description = "NAME=SIGNING_KEY.pem[,RECOVERY_KEY] (repeat): an admin, its P-256 key (public or private PEM) and its X25519 recovery public key",
            Required = true,
        };
        var recoveryThreshold = new Option<int>("--recovery-threshold") { Description = "Recovery shares needed to rebuild the root key (0: none are made)" };
        var silos = new Option<string[]>("--silo") { Description = "A silo of the committee (repeat); default every live silo" };
        var output = new Option<string?>("--out") { Description = "Directory the sealed recovery shares are written to (<admin>.recovery-share.json)" };
        var command = new Command("init", "Deals a new root key (POST /v1/cluster/init; the first caller wins)")
        {
            threshold, admins, recoveryThreshold, silos, output,
        };
        cli.SetAction(command, async (context, parsed, cancellationToken) =>
        {
            if (parsed.GetValue(recoveryThreshold) > 0 && parsed.GetValue(output) is null && !context.Json)
            {
                // The KMS keeps no copy: shares shown nowhere would be lost the moment they are dealt.
                throw new CliUsageException("--recovery-threshold needs --out (or --json) so that the sealed recovery shares are kept.");
            }

            object body = new
            {
                threshold = parsed.GetValue(threshold),
                admins = ParseAdmins(parsed.GetValue(admins) ?? []),
                recoveryThreshold = parsed.GetValue(recoveryThreshold),
                silos = parsed.GetValue(silos) is { Length: > 0 } names ? names : null,
            };
            KmsApiTransport transport = context.PublicTransport();
            byte[] answer = await context.StatusAsync("Dealing the root key…", () => transport.RunAsync(
                "initialise the cluster", (silo, ct) => transport.SendAsync(silo, HttpMethod.Post, "v1/cluster/init", body, ct), cancellationToken));
            using JsonDocument document = JsonDocument.Parse(answer);
            if (parsed.GetValue(output) is string directory)
            {
                foreach (JsonElement share in document.RootElement.GetProperty("recoveryShares").EnumerateArray())
                {
                    string admin = share.GetProperty("admin").GetString()!;
                    CliFiles.Write(Path.Combine(directory, $"{admin}.recovery-share.json"), share.GetRawText(), secret: true);
                }
            }

            if (context.Json)
            {
                context.WriteJson(document.RootElement);
            }
            else
            {
                Render(context, Encoding.UTF8.GetBytes(document.RootElement.GetProperty("status").GetRawText()));
                context.Out.MarkupLine($"{document.RootElement.GetProperty("recoveryShares").GetArrayLength()} sealed recovery share(s)"
                    + (parsed.GetValue(output) is string dir ? $" written to {Markup.Escape(dir)}" : " (not written: no --out)"));
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Recover(KmsCli cli)
    {
        var shares = new Option<string[]>("--share")
        {
            Description = "A recovery share file (repeat): the sealed share JSON from 'cluster init' or a decrypted share in base64",
            Required = true,
        };
        var keys = new Option<string[]>("--recovery-key") { Description = "An X25519 recovery private key (openssl PEM or base64) that opens sealed shares (repeat)" };
        var threshold = new Option<int>("--threshold") { Description = "t of the new committee", Required = true };
        var silos = new Option<string[]>("--silo") { Description = "A silo of the new committee (repeat); default every live silo" };
        var admins = new Option<string[]>("--admin") { Description = "NAME=SIGNING_KEY.pem[,RECOVERY_KEY]: new admins (default: the recovered cluster's)" };
        var command = new Command("recover", "Rebuilds the root key from a threshold of admin recovery shares and deals it anew (POST /v1/cluster/recover)")
        {
            shares, keys, threshold, silos, admins,
        };
        cli.SetAction(command, async (context, parsed, cancellationToken) =>
        {
            string[] opened = OpenShares(parsed.GetValue(shares) ?? [], parsed.GetValue(keys) ?? []);
            object body = new
            {
                shares = opened,
                threshold = parsed.GetValue(threshold),
                silos = parsed.GetValue(silos) is { Length: > 0 } names ? names : null,
                admins = parsed.GetValue(admins) is { Length: > 0 } given ? ParseAdmins(given) : null,
            };
            KmsApiTransport transport = context.PublicTransport();
            byte[] answer = await context.StatusAsync("Recovering the root key…", () => transport.RunAsync(
                "recover the cluster", (silo, ct) => transport.SendAsync(silo, HttpMethod.Post, "v1/cluster/recover", body, ct), cancellationToken));
            Render(context, answer);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Refresh(KmsCli cli)
    {
        var command = new Command("refresh", "New shares of the same root key on the same committee, a new epoch (POST /v1/cluster/refresh; admin)");
        cli.SetAction(command, async (context, _, cancellationToken) =>
        {
            KmsApiTransport transport = context.AdminTransport();
            byte[] answer = await context.StatusAsync("Refreshing the key shares…", () => transport.RunAsync(
                "refresh the shares", (silo, ct) => transport.SendAsync(silo, HttpMethod.Post, "v1/cluster/refresh", null, ct), cancellationToken));
            Render(context, answer);
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>The status as JSON, or as a summary and a committee table.</summary>
    private static void Render(CliContext context, byte[] statusJson)
    {
        if (context.Json)
        {
            context.WriteJson(statusJson);
            return;
        }

        using JsonDocument document = JsonDocument.Parse(statusJson);
        JsonElement status = document.RootElement.TryGetProperty("status", out JsonElement inner) ? inner : document.RootElement;
        var summary = new Grid().AddColumn().AddColumn();
        foreach (string name in new[] { "state", "epoch", "threshold", "groupPublicKey", "lastRefresh", "lastRefreshError" })
        {
            if (status.TryGetProperty(name, out JsonElement value) && value.ValueKind != JsonValueKind.Null)
            {
                summary.AddRow(name, Markup.Escape(value.ValueKind == JsonValueKind.String ? value.GetString()! : value.GetRawText()));
            }
        }

        summary.AddRow("admins", Markup.Escape(string.Join(", ", status.GetProperty("admins").EnumerateArray().Select(a => a.GetString()))));
        context.Out.Write(summary);
        var unavailable = status.GetProperty("unavailableMembers").EnumerateArray().Select(m => m.GetString()).ToHashSet();
        var table = new Table().AddColumn("silo").AddColumn("share index").AddColumn("live");
        foreach (JsonElement member in status.GetProperty("committee").EnumerateArray())
        {
            string silo = member.GetProperty("silo").GetString()!;
            table.AddRow(Markup.Escape(silo), member.GetProperty("shareIndex").GetRawText(), unavailable.Contains(silo) ? "[red]no[/]" : "yes");
        }

        context.Out.Write(table);
    }

    internal static object[] ParseAdmins(string[] values) => values.Select(value =>
    {
        int equals = value.IndexOf('=', StringComparison.Ordinal);
        if (equals <= 0)
        {
            throw new CliUsageException($"--admin {value}: expected NAME=SIGNING_KEY.pem[,RECOVERY_KEY].");
        }

        string[] files = value[(equals + 1)..].Split(',', 2);
        return (object)new
        {
            name = value[..equals],
            signingKey = Convert.ToBase64String(KeyFiles.P256PublicKey(files[0])),
            recoveryKey = files.Length == 2 ? Convert.ToBase64String(KeyFiles.X25519PublicKey(files[1])) : null,
        };
    }).ToArray();

    /// <summary>Decrypted shares in base64: sealed ones are opened with whichever recovery key opens them.</summary>
    private static string[] OpenShares(string[] files, string[] keyFiles)
    {
        X25519KeyPair[] keys = keyFiles.Select(KeyFiles.X25519PrivateKey).ToArray();
        try
        {
            return files.Select(file =>
            {
                string text = CliFiles.ReadText(file, "recovery share", 64 * 1024).Trim();
                if (!text.StartsWith('{'))
                {
                    return text;
                }

                string admin, encapsulation, ciphertext;
                try
                {
                    using JsonDocument document = JsonDocument.Parse(text);
                    admin = document.RootElement.GetProperty("admin").GetString()!;
                    encapsulation = document.RootElement.GetProperty("encapsulation").GetString()!;
                    ciphertext = document.RootElement.GetProperty("ciphertext").GetString()!;
                }
                catch (Exception exception) when (exception is JsonException or KeyNotFoundException or InvalidOperationException)
                {
                    throw new CliUsageException($"The recovery share {file} is not a sealed share from 'cluster init'.");
                }

                foreach (X25519KeyPair key in keys)
                {
                    try
                    {
                        byte[] share = HpkeX25519.Open(key, "Orleans.Kms recovery share v1"u8, Encoding.UTF8.GetBytes(admin),
                            [.. Convert.FromBase64String(encapsulation), .. Convert.FromBase64String(ciphertext)], HpkeAead.Aes128Gcm);
                        string encoded = Convert.ToBase64String(share);
                        System.Security.Cryptography.CryptographicOperations.ZeroMemory(share);
                        return encoded;
                    }
                    catch (Exception exception) when (exception is HpkeException or FormatException)
                    {
                        // another admin's key
                    }
                }

                throw new CliUsageException($"No --recovery-key opens the recovery share {file} (admin {admin}).");
            }).ToArray();
        }
        finally
        {
            foreach (X25519KeyPair key in keys)
            {
                key.Dispose();
            }
        }
    }
}
