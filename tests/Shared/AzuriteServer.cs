using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Azure.Data.Tables;
using Azure.Data.Tables.Models;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;

namespace Kms.Tests.Shared;

/// <summary>
/// A private Azurite (Azure Blob/Queue/Table emulator) on free loopback ports, in memory, started from
/// <c>infra/test-servers/node_modules</c> (<c>npm ci --prefix infra/test-servers</c>) or the azurite.js named by
/// KMS_AZURITE. Stopped with SIGKILL: Azurite ignores SIGTERM. Linked into the test projects that need it.
/// </summary>
internal sealed class AzuriteServer : IAsyncDisposable
{
    /// <summary>Azurite's only account.</summary>
    public const string AccountName = "devstoreaccount1";

    // Azurite's well-known development key, published in its documentation: it guards nothing but this emulator.
    private const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
    private const int StartAttempts = 3;
    private const int MaxCapturedOutput = 16 * 1024;
    private static readonly TimeSpan s_readyTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan s_exitTimeout = TimeSpan.FromSeconds(10);

    private readonly Process _process;
    private readonly string _workspace;
    private readonly StringBuilder _output;

    private AzuriteServer(Process process, string workspace, StringBuilder output, int blobPort, int tablePort)
    {
        _process = process;
        _workspace = workspace;
        _output = output;
        BlobPort = blobPort;
        TablePort = tablePort;
        ConnectionString = $"DefaultEndpointsProtocol=http;AccountName={AccountName};AccountKey={AccountKey};" +
            $"BlobEndpoint=http://127.0.0.1:{blobPort}/{AccountName};TableEndpoint=http://127.0.0.1:{tablePort}/{AccountName};";
    }

    /// <summary>The Blob service port on 127.0.0.1.</summary>
    public int BlobPort { get; }

    /// <summary>The Table service port on 127.0.0.1.</summary>
    public int TablePort { get; }

    /// <summary>A connection string to the Blob and Table services of this server.</summary>
    public string ConnectionString { get; }

    /// <summary>Why Azurite cannot be started here (node or azurite.js missing), or null when it can.</summary>
    public static string? MissingReason
    {
        get
        {
            if (FindNode() is null)
            {
                return "node not found on PATH: install Node.js 20+ and run `npm ci --prefix infra/test-servers`.";
            }

            return FindScript() is null
                ? "azurite not found: run `npm ci --prefix infra/test-servers` (or set KMS_AZURITE to azurite.js)."
                : null;
        }
    }

    /// <summary>Starts Azurite and returns once its Blob and Table services answer.</summary>
    /// <exception cref="InvalidOperationException">It is missing, exits, or does not answer within a minute.</exception>
    public static async Task<AzuriteServer> StartAsync(CancellationToken cancellationToken)
    {
        string node = FindNode() ?? throw new InvalidOperationException(MissingReason);
        string script = FindScript() ?? throw new InvalidOperationException(MissingReason);
        for (int attempt = 1; ; attempt++)
        {
            AzuriteServer server = Launch(node, script);
            try
            {
                await server.WaitUntilReadyAsync(cancellationToken).ConfigureAwait(false);
                return server;
            }
            catch (AzuriteExitedException) when (attempt < StartAttempts)
            {
                // A free port taken by another process between probing and binding: try new ports.
                await server.DisposeAsync().ConfigureAwait(false);
            }
            catch
            {
                await server.DisposeAsync().ConfigureAwait(false);
                throw;
            }
        }
    }

    /// <summary>
    /// Every byte Azurite holds in its Blob and Table services: the content and metadata of every blob of every
    /// container, and every property name and value of every entity of every table, concatenated (binary values
    /// raw, strings as UTF-8, other values in invariant text). For scans that secret bytes were never stored.
    /// </summary>
    public async Task<byte[]> DumpAllAsync(CancellationToken cancellationToken)
    {
        using var dump = new MemoryStream();
        var blobs = new BlobServiceClient(ConnectionString);
        await foreach (BlobContainerItem container in blobs.GetBlobContainersAsync(cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            BlobContainerClient containerClient = blobs.GetBlobContainerClient(container.Name);
            var options = new GetBlobsOptions { Traits = BlobTraits.Metadata };
            await foreach (BlobItem blob in containerClient.GetBlobsAsync(options, cancellationToken).ConfigureAwait(false))
            {
                foreach ((string key, string value) in blob.Metadata)
                {
                    AppendText(dump, key);
                    AppendText(dump, value);
                }

                await containerClient.GetBlobClient(blob.Name).DownloadToAsync(dump, cancellationToken).ConfigureAwait(false);
            }
        }

        var tables = new TableServiceClient(ConnectionString);
        await foreach (TableItem table in tables.QueryAsync(cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            TableClient tableClient = tables.GetTableClient(table.Name);
            await foreach (TableEntity entity in tableClient.QueryAsync<TableEntity>(cancellationToken: cancellationToken).ConfigureAwait(false))
            {
                foreach ((string key, object value) in entity)
                {
                    AppendText(dump, key);
                    AppendValue(dump, value);
                }
            }
        }

        return dump.ToArray();
    }

    /// <summary>Kills Azurite (SIGKILL, whole process tree) and deletes its workspace.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }

            using var exitTimeout = new CancellationTokenSource(s_exitTimeout);
            await _process.WaitForExitAsync(exitTimeout.Token).ConfigureAwait(false);
        }
        catch (InvalidOperationException)
        {
            // Exited on its own between the check and the kill.
        }
        finally
        {
            _process.Dispose();
            try
            {
                Directory.Delete(_workspace, recursive: true);
            }
            catch (IOException)
            {
                // Best effort: the temp folder is cleaned eventually.
            }
        }
    }

    private static AzuriteServer Launch(string node, string script)
    {
        int blobPort = FreeLoopbackPort();
        int queuePort = FreeLoopbackPort();
        int tablePort = FreeLoopbackPort();
        // In-memory persistence refuses --location; the working directory is where Azurite could write anything else.
        string workspace = Directory.CreateTempSubdirectory("kms-azurite-").FullName;
        var start = new ProcessStartInfo(node)
        {
            WorkingDirectory = workspace,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in new[]
        {
            script, "--inMemoryPersistence", "--extentMemoryLimit", "256", "--skipApiVersionCheck", "--loose",
            "--disableTelemetry", "--silent",
            "--blobHost", "127.0.0.1", "--blobPort", Invariant(blobPort),
            "--queueHost", "127.0.0.1", "--queuePort", Invariant(queuePort),
            "--tableHost", "127.0.0.1", "--tablePort", Invariant(tablePort),
        })
        {
            start.ArgumentList.Add(argument);
        }

        var output = new StringBuilder();
        var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, line) => Capture(output, line.Data);
        process.ErrorDataReceived += (_, line) => Capture(output, line.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new AzuriteServer(process, workspace, output, blobPort, tablePort);
    }

    private async Task WaitUntilReadyAsync(CancellationToken cancellationToken)
    {
        // No retries in the probe clients: this loop is the retry, bounded by one deadline.
        var blobOptions = new BlobClientOptions();
        blobOptions.Retry.MaxRetries = 0;
        blobOptions.Retry.NetworkTimeout = TimeSpan.FromSeconds(2);
        var tableOptions = new TableClientOptions();
        tableOptions.Retry.MaxRetries = 0;
        tableOptions.Retry.NetworkTimeout = TimeSpan.FromSeconds(2);
        var blobs = new BlobServiceClient(ConnectionString, blobOptions);
        var tables = new TableServiceClient(ConnectionString, tableOptions);

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(s_readyTimeout);
        while (true)
        {
            if (_process.HasExited)
            {
                throw new AzuriteExitedException($"Azurite exited with code {_process.ExitCode} before it answered: {CapturedOutput()}");
            }

            try
            {
                await blobs.GetPropertiesAsync(deadline.Token).ConfigureAwait(false);
                await tables.GetPropertiesAsync(deadline.Token).ConfigureAwait(false);
                return;
            }
            catch (Exception exception) when (exception is global::Azure.RequestFailedException or HttpRequestException && !deadline.IsCancellationRequested)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(200), deadline.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new InvalidOperationException(
                    $"Azurite did not answer on ports {BlobPort}/{TablePort} within {s_readyTimeout.TotalSeconds} s: {CapturedOutput()}");
            }
        }
    }

    private string CapturedOutput()
    {
        lock (_output)
        {
            return _output.ToString();
        }
    }

    private static void Capture(StringBuilder output, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (output)
        {
            if (output.Length + line.Length < MaxCapturedOutput)
            {
                output.AppendLine(line);
            }
        }
    }

    private static void AppendText(Stream dump, string text) => dump.Write(Encoding.UTF8.GetBytes(text));

    private static void AppendValue(Stream dump, object? value)
    {
        switch (value)
        {
            case null:
                break;
            case byte[] bytes:
                dump.Write(bytes);
                break;
            case BinaryData data:
                dump.Write(data.ToArray());
                break;
            case string text:
                AppendText(dump, text);
                break;
            default:
                AppendText(dump, Convert.ToString(value, CultureInfo.InvariantCulture) ?? string.Empty);
                break;
        }
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string Invariant(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static string? FindNode() =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.Combine(directory, "node"))
            .FirstOrDefault(File.Exists);

    private static string? FindScript()
    {
        string? fromEnvironment = Environment.GetEnvironmentVariable("KMS_AZURITE");
        if (!string.IsNullOrEmpty(fromEnvironment))
        {
            // An explicit setting that points nowhere is a configuration error: do not silently use another copy.
            return File.Exists(fromEnvironment) ? fromEnvironment : null;
        }

        // The script itself, not the .bin shim: killing a shim could orphan the real node process.
        string? script = FoundryTools.RepositoryRoot is null ? null
            : Path.Combine(FoundryTools.RepositoryRoot, "infra", "test-servers", "node_modules", "azurite", "dist", "src", "azurite.js");
        return script is not null && File.Exists(script) ? script : null;
    }

    private sealed class AzuriteExitedException(string message) : InvalidOperationException(message);
}

/// <summary>
/// A fact that needs Azurite: skipped with the reason when node or azurite is missing, except with CI=true, where the
/// test runs and fails (CI must install it with <c>npm ci --prefix infra/test-servers</c>).
/// </summary>
public sealed class RequiresAzuriteFactAttribute : FactAttribute
{
    /// <summary>Sets <see cref="FactAttribute.Skip"/> when Azurite cannot be started outside CI.</summary>
    public RequiresAzuriteFactAttribute()
    {
        if (!FoundryTools.IsCi && AzuriteServer.MissingReason is { } reason)
        {
            Skip = reason + " With CI=true this test fails instead.";
        }
    }
}
