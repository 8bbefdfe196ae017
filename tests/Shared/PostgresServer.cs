using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace Kms.Tests.Shared;

/// <summary>
/// A private PostgreSQL cluster for one test fixture: <c>initdb</c> into a temporary directory, <c>pg_ctl start</c> on a
/// free loopback port with the socket in that directory, databases made with <c>createdb</c>, and <c>pg_ctl stop -m fast</c>
/// plus deletion on dispose. Uses the binaries of the newest /usr/lib/postgresql/N/bin (or KMS_PG_BIN). As root, every
/// server-side tool runs as the <c>postgres</c> OS user (PostgreSQL refuses to run as root). Linked into each test
/// project that needs it. When the binaries are missing, <see cref="IsAvailable"/> is false and tests marked with
/// <see cref="RequiresPostgresFactAttribute"/> are skipped, except with CI=true, where starting fails loudly.
/// </summary>
public sealed partial class PostgresServer : IAsyncLifetime
{
    private static readonly TimeSpan s_toolTimeout = TimeSpan.FromSeconds(60);
    private const string SuperUser = "postgres";

    private DirectoryInfo? _directory;

    /// <summary>The folder with initdb, pg_ctl, createdb and pg_dump; null when PostgreSQL is not installed.</summary>
    public static string? BinDirectory { get; } = FindBinDirectory();

    /// <summary>Whether CI=true: a missing PostgreSQL then fails the tests instead of skipping them.</summary>
    public static bool IsCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>Why the tests are skipped when PostgreSQL is missing.</summary>
    public const string MissingMessage =
        "PostgreSQL binaries not found under /usr/lib/postgresql/*/bin: run `apt-get install -y postgresql` (or set KMS_PG_BIN). With CI=true this test fails instead.";

    /// <summary>Whether the server runs (false only when PostgreSQL is missing outside CI).</summary>
    public bool IsAvailable { get; private set; }

    /// <summary>The loopback TCP port the server listens on.</summary>
    public int Port { get; private set; }

    private string DataDirectory => Path.Combine(_directory!.FullName, "data");

    private string LogFile => Path.Combine(_directory!.FullName, "server.log");

    /// <summary>Starts the cluster; does nothing when PostgreSQL is missing outside CI.</summary>
    /// <exception cref="InvalidOperationException">PostgreSQL is missing with CI=true, or the cluster did not start.</exception>
    public async Task InitializeAsync()
    {
        if (BinDirectory is null)
        {
            if (IsCi)
            {
                throw new InvalidOperationException(MissingMessage);
            }

            return;
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        _directory = Directory.CreateTempSubdirectory("kms-pg-");
        if (RunsAsRoot)
        {
            await RunAsync("chown", ["-R", $"{SuperUser}:{SuperUser}", _directory.FullName], asServerUser: false, timeout.Token);
        }

        await RunToolAsync("initdb", ["-D", DataDirectory, "-U", SuperUser, "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync"], asServerUser: true, timeout.Token);

        // A port found free can be taken before the server binds it: try a few.
        for (int attempt = 1; ; attempt++)
        {
            Port = FindFreePort();
            // Every test database gets connection pools of its own (silos, clients, the test itself) that stay open
            // after the test: PostgreSQL's default of 100 connections is too few for one test run.
            string serverOptions = $"-p {Port} -k {_directory.FullName} -c listen_addresses=127.0.0.1 -c fsync=off " +
                "-c full_page_writes=off -c max_connections=1000";
            try
            {
                await RunToolAsync("pg_ctl", ["-D", DataDirectory, "-l", LogFile, "-w", "-t", "30", "-o", serverOptions, "start"], asServerUser: true, timeout.Token);
                break;
            }
            catch (InvalidOperationException) when (attempt < 3)
            {
            }
        }

        IsAvailable = true;
    }

    /// <summary>Creates an empty database and returns its Npgsql connection string.</summary>
    /// <param name="name">Lower-case letters, digits and underscores, starting with a letter (at most 63).</param>
    /// <param name="cancellationToken">Cancels the creation.</param>
    public async Task<string> CreateDatabaseAsync(string name, CancellationToken cancellationToken)
    {
        ThrowIfNotRunning();
        ValidateDatabaseName(name);
        await RunToolAsync("createdb", ["-h", "127.0.0.1", "-p", Port.ToString(), "-U", SuperUser, name], asServerUser: false, cancellationToken);
        return ConnectionString(name);
    }

    /// <summary>The Npgsql connection string of <paramref name="database"/> (trust authentication on loopback).</summary>
    public string ConnectionString(string database)
    {
        ThrowIfNotRunning();
        ValidateDatabaseName(database);
        return $"Host=127.0.0.1;Port={Port};Username={SuperUser};Database={database};Timeout=15;Command Timeout=30";
    }

    /// <summary>
    /// Everything <paramref name="database"/> holds, as <c>pg_dump --data-only</c> writes it: plain SQL with COPY
    /// rows. Text appears as is; <c>bytea</c> values appear as <c>\x</c> followed by lower-case hex, so a test
    /// that looks for secret bytes must search for both their raw and their hex form.
    /// </summary>
    public async Task<byte[]> DumpDatabaseAsync(string database, CancellationToken cancellationToken)
    {
        ThrowIfNotRunning();
        ValidateDatabaseName(database);
        return await RunToolAsync("pg_dump", ["--data-only", "--no-owner", "-h", "127.0.0.1", "-p", Port.ToString(), "-U", SuperUser, database],
            asServerUser: false, cancellationToken);
    }

    /// <summary>Stops the cluster (fast shutdown) and deletes its directory.</summary>
    public async Task DisposeAsync()
    {
        if (_directory is null)
        {
            return;
        }

        try
        {
            if (File.Exists(Path.Combine(DataDirectory, "postmaster.pid")))
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(45));
                try
                {
                    await RunToolAsync("pg_ctl", ["-D", DataDirectory, "-m", "fast", "-w", "-t", "30", "stop"], asServerUser: true, timeout.Token);
                }
                catch (Exception exception) when (exception is InvalidOperationException or OperationCanceledException)
                {
                    KillPostmaster();
                }
            }
        }
        finally
        {
            IsAvailable = false;
            try
            {
                _directory.Delete(recursive: true);
            }
            catch (IOException)
            {
                // A server that is still exiting can hold files for a moment; the OS cleans the temp folder later.
            }
        }
    }

    private static bool RunsAsRoot => Environment.UserName == "root";

    private void ThrowIfNotRunning()
    {
        if (!IsAvailable)
        {
            throw new InvalidOperationException("The PostgreSQL test server is not running. " + MissingMessage);
        }
    }

    private static void ValidateDatabaseName(string name)
    {
        if (!DatabaseName().IsMatch(name))
        {
            throw new ArgumentException($"Test database name '{name}' must match {DatabaseName()}.", nameof(name));
        }
    }

    private void KillPostmaster()
    {
        string pidFile = Path.Combine(DataDirectory, "postmaster.pid");
        if (File.Exists(pidFile) && int.TryParse(File.ReadLines(pidFile).FirstOrDefault(), out int pid))
        {
            try
            {
                using Process postmaster = Process.GetProcessById(pid);
                postmaster.Kill(entireProcessTree: true);
                postmaster.WaitForExit(TimeSpan.FromSeconds(10));
            }
            catch (ArgumentException)
            {
                // Already gone.
            }
        }
    }

    private Task<byte[]> RunToolAsync(string tool, string[] arguments, bool asServerUser, CancellationToken cancellationToken) =>
        RunAsync(Path.Combine(BinDirectory!, tool), arguments, asServerUser, cancellationToken);

    private static async Task<byte[]> RunAsync(string file, string[] arguments, bool asServerUser, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        if (asServerUser && RunsAsRoot)
        {
            start.FileName = "runuser";
            foreach (string argument in (string[])["-u", SuperUser, "--", file])
            {
                start.ArgumentList.Add(argument);
            }
        }
        else
        {
            start.FileName = file;
        }

        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(s_toolTimeout);
        using Process process = Process.Start(start) ?? throw new InvalidOperationException($"{file} did not start.");
        process.StandardInput.Close();
        // Both streams are drained concurrently: reading one to the end first can deadlock on a full pipe.
        var output = new MemoryStream();
        Task copyOutput = process.StandardOutput.BaseStream.CopyToAsync(output, timeout.Token);
        Task<string> error = process.StandardError.ReadToEndAsync(timeout.Token);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
            await Task.WhenAll(copyOutput, error);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"{Path.GetFileName(file)} {string.Join(' ', arguments)} did not finish within {s_toolTimeout.TotalSeconds} s or was cancelled.");
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{Path.GetFileName(file)} {string.Join(' ', arguments)} failed ({process.ExitCode}): {error.Result}");
        }

        return output.ToArray();
    }

    private static int FindFreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string? FindBinDirectory()
    {
        string? fromEnvironment = Environment.GetEnvironmentVariable("KMS_PG_BIN");
        if (!string.IsNullOrEmpty(fromEnvironment))
        {
            // An explicit setting that points nowhere is a configuration error: do not silently use other binaries.
            return HasTools(fromEnvironment) ? fromEnvironment : null;
        }

        const string Root = "/usr/lib/postgresql";
        if (!Directory.Exists(Root))
        {
            return null;
        }

        return Directory.GetDirectories(Root)
            .Select(directory => (Version: int.TryParse(Path.GetFileName(directory), out int version) ? version : -1, Bin: Path.Combine(directory, "bin")))
            .Where(candidate => candidate.Version >= 0 && HasTools(candidate.Bin))
            .OrderByDescending(candidate => candidate.Version)
            .Select(candidate => candidate.Bin)
            .FirstOrDefault();
    }

    private static bool HasTools(string directory) =>
        new[] { "initdb", "pg_ctl", "createdb", "pg_dump" }.All(tool => File.Exists(Path.Combine(directory, tool)));

    [GeneratedRegex("^[a-z][a-z0-9_]{0,62}$")]
    private static partial Regex DatabaseName();
}

/// <summary>
/// A fact that needs PostgreSQL: skipped with the reason when its binaries are missing, except with CI=true, where the
/// test runs and fails (CI must install them with <c>apt-get install -y postgresql</c>).
/// </summary>
public sealed class RequiresPostgresFactAttribute : FactAttribute
{
    /// <summary>Sets <see cref="FactAttribute.Skip"/> when PostgreSQL is missing outside CI.</summary>
    public RequiresPostgresFactAttribute()
    {
        if (!PostgresServer.IsCi && PostgresServer.BinDirectory is null)
        {
            Skip = PostgresServer.MissingMessage;
        }
    }
}
