using System.CommandLine;
using System.Security.Cryptography;
using Kms.Cli.Commands;
using Kms.Client.Workloads;
using Kms.Governance.Policy;
using Spectre.Console;

namespace Kms.Cli;

/// <summary>The <c>kms</c> command line: global options, the command tree, and one place that maps failures to exit codes.</summary>
internal sealed class KmsCli
{
    private readonly TextWriter _stdout;
    private readonly TextWriter _stderr;

    private KmsCli(TextWriter stdout, TextWriter stderr)
    {
        _stdout = stdout;
        _stderr = stderr;
    }

    public Option<string[]> Url { get; } = new("--url")
    {
        Description = "A silo's API base address; repeat for several silos (tried in turn when one is unavailable). Default: $KMS_URL or http://127.0.0.1:8080",
        Recursive = true,
        DefaultValueFactory = _ => [Environment.GetEnvironmentVariable("KMS_URL") is { Length: > 0 } url ? url : "http://127.0.0.1:8080"],
    };

    public Option<bool> Json { get; } = new("--json")
    {
        Description = "Write only JSON on stdout (for scripts): no tables, no progress, errors as {\"error\":…}",
        Recursive = true,
    };

    public Option<string> AdminName { get; } = new("--admin-name")
    {
        Description = "The admin key id admin requests are signed under",
        Recursive = true,
        DefaultValueFactory = _ => "dev-admin",
    };

    public Option<string?> AdminKey { get; } = new("--admin-key")
    {
        Description = "The admin's P-256 private key (PEM). Default: <data-dir>/dev-admin.key",
        Recursive = true,
    };

    public Option<string> DataDir { get; } = new("--data-dir")
    {
        Description = "The dev silo's data directory (dev-admin.key, dev-evidence.key)",
        Recursive = true,
        DefaultValueFactory = _ => "./data",
    };

    public Option<int> TimeoutSeconds { get; } = new("--timeout")
    {
        Description = "Seconds one request may take before its silo counts as unavailable",
        Recursive = true,
        DefaultValueFactory = _ => 30,
    };

    /// <summary>Runs <c>kms</c> with <paramref name="args"/>; returns the exit code.</summary>
    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        var cli = new KmsCli(stdout, stderr);
        RootCommand root = cli.BuildRoot();
        ParseResult parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            foreach (System.CommandLine.Parsing.ParseError error in parsed.Errors)
            {
                await stderr.WriteLineAsync($"kms: {error.Message}");
            }

            await stderr.WriteLineAsync("Run 'kms --help' for usage.");
            return ExitCodes.Usage;
        }

        return await parsed.InvokeAsync(new InvocationConfiguration { Output = stdout, Error = stderr }, cancellationToken);
    }

    /// <summary>Sets <paramref name="command"/>'s action: builds the context, runs, maps failures to exit codes.</summary>
    public void SetAction(Command command, Func<CliContext, ParseResult, CancellationToken, Task<int>> action) =>
        command.SetAction((parsed, cancellationToken) => ExecuteAsync(parsed, action, cancellationToken));

    private RootCommand BuildRoot()
    {
        var root = new RootCommand("kms: the Orleans.Kms operator and admin CLI. " + ExitCodes.Help);
        foreach (Option option in new Option[] { Url, Json, AdminName, AdminKey, DataDir, TimeoutSeconds })
        {
            root.Options.Add(option);
        }

        root.Subcommands.Add(ClusterCommands.Create(this));
        root.Subcommands.Add(NamespaceCommands.Create(this));
        root.Subcommands.Add(MeasurementCommands.Create(this));
        root.Subcommands.Add(PolicyCommands.Create(this));
        root.Subcommands.Add(CertificateCommands.Create(this));
        root.Subcommands.Add(DevCommands.Create(this));
        return root;
    }

    private async Task<int> ExecuteAsync(ParseResult parsed, Func<CliContext, ParseResult, CancellationToken, Task<int>> action, CancellationToken cancellationToken)
    {
        bool json = parsed.GetValue(Json);
        CliContext context;
        try
        {
            context = new CliContext(
                ParseUrls(parsed.GetValue(Url) ?? []), json, parsed.GetValue(AdminName)!, parsed.GetValue(AdminKey), parsed.GetValue(DataDir)!,
                TimeSpan.FromSeconds(Math.Clamp(parsed.GetValue(TimeoutSeconds), 1, 3600)), _stdout, _stderr);
        }
        catch (CliUsageException exception)
        {
            return Fail(json, ExitCodes.Usage, exception.Message, null);
        }

        using (context)
        {
            try
            {
                return await action(context, parsed, cancellationToken);
            }
            catch (KmsApiException exception)
            {
                return Fail(json, exception.IsRefusal ? ExitCodes.Refused : ExitCodes.Unavailable, exception.Message, exception);
            }
            catch (KmsUnavailableException exception)
            {
                return Fail(json, ExitCodes.Unavailable, exception.Message, exception.InnerExceptions.OfType<KmsApiException>().LastOrDefault());
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return Fail(json, 130, "Cancelled.", null);
            }
            catch (Exception exception) when (exception is CliUsageException or PolicyFormatException or ArgumentException)
            {
                return Fail(json, ExitCodes.Usage, exception.Message, null);
            }
            catch (Exception exception) when (exception is HttpRequestException or TimeoutException or InvalidDataException or CryptographicException
                or Kms.Attestation.Providers.EvidenceProviderException
                or System.Text.Json.JsonException or KeyNotFoundException or InvalidOperationException)
            {
                // The last three: an answer without the members the API documents.
                return Fail(json, ExitCodes.Unavailable, exception.Message, null);
            }
        }
    }

    private int Fail(bool json, int exitCode, string message, KmsApiException? api)
    {
        if (json)
        {
            _stdout.WriteLine(System.Text.Json.JsonSerializer.Serialize(
                new { error = new { exitCode, message, status = api?.Status, title = api?.Title, detail = api?.Detail, reason = api?.Reason } },
                CliJson.Indented));
        }
        else
        {
            _stderr.WriteLine($"kms: {message}");
        }

        return exitCode;
    }

    private static Uri[] ParseUrls(string[] values)
    {
        var urls = new List<Uri>();
        foreach (string value in values.SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)))
        {
            string withSlash = value.EndsWith('/') ? value : value + "/";
            if (!Uri.TryCreate(withSlash, UriKind.Absolute, out Uri? url) || url.Scheme is not ("http" or "https"))
            {
                throw new CliUsageException($"--url {value} is not an absolute http(s) address.");
            }

            urls.Add(url);
        }

        return urls.Count > 0 ? [.. urls] : throw new CliUsageException("--url needs at least one address.");
    }
}
