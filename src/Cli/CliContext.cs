using System.Security.Cryptography;
using System.Text.Json;
using Kms.Client.Admin;
using Kms.Client.Workloads;
using Spectre.Console;

namespace Kms.Cli;

/// <summary>What one command invocation works with: the silos, the output mode and consoles, HTTP clients it owns.</summary>
internal sealed class CliContext : IDisposable
{
    private readonly List<IDisposable> _owned = [];

    public CliContext(IReadOnlyList<Uri> urls, bool json, string adminName, string? adminKeyFile, string dataDirectory, TimeSpan timeout,
        TextWriter stdout, TextWriter stderr)
    {
        Urls = urls;
        Json = json;
        AdminName = adminName;
        AdminKeyFile = adminKeyFile;
        DataDirectory = dataDirectory;
        Timeout = timeout;
        StdOut = stdout;
        Out = CreateConsole(stdout);
        Err = CreateConsole(stderr);
    }

    public IReadOnlyList<Uri> Urls { get; }

    /// <summary>Scripts mode: only JSON on stdout, no decoration.</summary>
    public bool Json { get; }

    public string AdminName { get; }

    /// <summary>The admin key file given with <c>--admin-key</c>; otherwise the dev admin key in the data directory.</summary>
    public string? AdminKeyFile { get; }

    public string DataDirectory { get; }

    public TimeSpan Timeout { get; }

    public TextWriter StdOut { get; }

    /// <summary>Human output (tables, results).</summary>
    public IAnsiConsole Out { get; }

    /// <summary>Progress and errors.</summary>
    public IAnsiConsole Err { get; }

    /// <summary>A transport for public routes, with retries across <see cref="Urls"/>.</summary>
    public KmsApiTransport PublicTransport() => Transport(new HttpClient(new SocketsHttpHandler()) { Timeout = System.Threading.Timeout.InfiniteTimeSpan });

    /// <summary>A transport whose requests are signed with the admin key.</summary>
    /// <exception cref="CliUsageException">The admin key file is missing or not a P-256 private key.</exception>
    public KmsApiTransport AdminTransport()
    {
        string file = AdminKeyFile ?? Path.Combine(DataDirectory, "dev-admin.key");
        ECDsa key = LoadP256(file, "admin key (--admin-key)");
        _owned.Add(key);
        var handler = new AdminRequestSigningHandler(AdminName, key) { InnerHandler = new SocketsHttpHandler() };
        return Transport(new HttpClient(handler) { Timeout = System.Threading.Timeout.InfiniteTimeSpan });
    }

    /// <summary>Loads a P-256 private key from a PEM file.</summary>
    /// <exception cref="CliUsageException">The file is missing or holds no P-256 private key.</exception>
    public static ECDsa LoadP256(string file, string what)
    {
        string pem = CliFiles.ReadText(file, what, 64 * 1024);
        var key = ECDsa.Create();
        try
        {
            key.ImportFromPem(pem);
            if (key.KeySize != 256)
            {
                throw new CryptographicException("not a P-256 key");
            }

            key.ExportParameters(includePrivateParameters: true); // a public key alone cannot sign
            return key;
        }
        catch (Exception exception) when (exception is CryptographicException or ArgumentException)
        {
            key.Dispose();
            throw new CliUsageException($"The {what} {file} is not a P-256 private key in PEM.");
        }
    }

    /// <summary>Runs <paramref name="work"/> under a spinner on stderr (none in JSON mode or without a terminal).</summary>
    public async Task<T> StatusAsync<T>(string text, Func<Task<T>> work)
    {
        if (Json || !Err.Profile.Capabilities.Interactive)
        {
            return await work();
        }

        return await Err.Status().Spinner(Spinner.Known.Dots).StartAsync(Markup.Escape(text), _ => work());
    }

    /// <summary>Writes a JSON value on stdout (indented, one document).</summary>
    public void WriteJson<T>(T value)
    {
        StdOut.WriteLine(JsonSerializer.Serialize(value, CliJson.Indented));
        StdOut.Flush();
    }

    /// <summary>Writes an API answer on stdout as it came (re-indented).</summary>
    public void WriteJson(byte[] answer)
    {
        using JsonDocument document = JsonDocument.Parse(answer);
        WriteJson(document.RootElement);
    }

    public void Dispose()
    {
        foreach (IDisposable owned in _owned)
        {
            owned.Dispose();
        }
    }

    private KmsApiTransport Transport(HttpClient http)
    {
        _owned.Add(http);
        return new KmsApiTransport(http, Urls, Timeout, rounds: 2, KmsWorkloadClientOptions.DefaultRetryDelay, 4 << 20);
    }

    private static IAnsiConsole CreateConsole(TextWriter writer)
    {
        bool terminal = (writer == Console.Out && !Console.IsOutputRedirected) || (writer == Console.Error && !Console.IsErrorRedirected);
        IAnsiConsole console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(writer),
            Ansi = terminal ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = terminal ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = terminal ? InteractionSupport.Detect : InteractionSupport.No,
        });
        if (!terminal)
        {
            console.Profile.Width = 200; // no terminal to fit: keep 64-hex identities on one line
        }

        return console;
    }
}

/// <summary>JSON settings of the CLI's own output.</summary>
internal static class CliJson
{
    public static JsonSerializerOptions Indented { get; } = new(KmsApiTransport.Json) { WriteIndented = true };
}

/// <summary>Reads and writes the CLI's local files with bounds and clear errors.</summary>
internal static class CliFiles
{
    /// <exception cref="CliUsageException">The file is missing, unreadable or larger than <paramref name="limit"/>.</exception>
    public static byte[] ReadBytes(string file, string what, int limit)
    {
        try
        {
            var info = new FileInfo(file);
            if (!info.Exists)
            {
                throw new CliUsageException($"The {what} {file} does not exist.");
            }

            if (info.Length > limit)
            {
                throw new CliUsageException($"The {what} {file} is larger than {limit} bytes.");
            }

            return File.ReadAllBytes(file);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw new CliUsageException($"Cannot read the {what} {file}: {exception.Message}");
        }
    }

    public static string ReadText(string file, string what, int limit) => System.Text.Encoding.UTF8.GetString(ReadBytes(file, what, limit));

    /// <summary>Writes a file readable by its owner only when <paramref name="secret"/> (mode 0600).</summary>
    public static void Write(string file, ReadOnlySpan<byte> content, bool secret)
    {
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(file))!);
            var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
            if (secret && !OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
                File.Delete(file); // the mode applies only to a new file
            }

            using var stream = new FileStream(file, options);
            stream.Write(content);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw new CliUsageException($"Cannot write {file}: {exception.Message}");
        }
    }

    public static void Write(string file, string text, bool secret) => Write(file, System.Text.Encoding.UTF8.GetBytes(text), secret);
}
