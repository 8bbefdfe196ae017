using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Kms.Attestation.Providers;

/// <summary>
/// TDX quotes and SEV-SNP reports through Linux configfs-tsm (<c>/sys/kernel/config/tsm/report</c>, Linux 6.7+): one
/// report entry per request (mkdir), the report data written to <c>inblob</c>, the evidence read from <c>outblob</c>,
/// and <c>provider</c> and <c>generation</c> checked so that evidence of another TEE, or of a request someone else wrote
/// into the same entry, is never returned. The entry is removed (rmdir) afterwards.
/// </summary>
public sealed class ConfigFsTsmEvidenceProvider : IEvidenceProvider
{
    private const int InblobSize = 64;
    private const int MaxSmallFile = 64;
    private const string SevProvider = "sev_guest";

    private readonly ConfigFsTsmOptions _options;
    private readonly string _expectedProvider;
    private readonly Func<ConfigFsTsmStep, string, CancellationToken, Task>? _observer;

    private ConfigFsTsmEvidenceProvider(string evidenceType, string expectedProvider, ConfigFsTsmOptions? options, Func<ConfigFsTsmStep, string, CancellationToken, Task>? observer)
    {
        EvidenceType = evidenceType;
        _expectedProvider = expectedProvider;
        _options = options ?? new ConfigFsTsmOptions();
        _observer = observer;
        if (_options.MaxOutblobBytes < 1024 || _options.PrivilegeLevel is < 0 or > 3)
        {
            throw new ArgumentException("MaxOutblobBytes must be at least 1024 and PrivilegeLevel 0 to 3.", nameof(options));
        }
    }

    /// <inheritdoc/>
    public string EvidenceType { get; }

    /// <summary>TDX quotes ("tdx-dcap"; the kernel's provider "tdx_guest").</summary>
    public static ConfigFsTsmEvidenceProvider ForTdx(ConfigFsTsmOptions? options = null) => new("tdx-dcap", "tdx_guest", options, null);

    /// <summary>SEV-SNP attestation reports ("sev-snp"; the kernel's provider "sev_guest").</summary>
    public static ConfigFsTsmEvidenceProvider ForSevSnp(ConfigFsTsmOptions? options = null) => new("sev-snp", SevProvider, options, null);

    /// <summary>For tests: <paramref name="observer"/> runs after each step with the entry's path, where the kernel
    /// would act (create the attributes, make the report) or another process could interfere.</summary>
    internal static ConfigFsTsmEvidenceProvider ForTests(bool tdx, ConfigFsTsmOptions options, Func<ConfigFsTsmStep, string, CancellationToken, Task> observer) =>
        tdx ? new("tdx-dcap", "tdx_guest", options, observer) : new("sev-snp", SevProvider, options, observer);

    /// <inheritdoc/>
    /// <exception cref="EvidenceProviderException">configfs-tsm is missing, belongs to another TEE, was written to
    /// concurrently, or returned an empty or oversized report.</exception>
    public async Task<byte[]> GetEvidenceAsync(ReadOnlyMemory<byte> reportData, CancellationToken cancellationToken = default)
    {
        if (reportData.Length is 0 or > InblobSize)
        {
            throw new ArgumentException($"Report data is 1 to {InblobSize} bytes.", nameof(reportData));
        }

        if (!Directory.Exists(_options.ReportRoot))
        {
            throw new EvidenceProviderException(EvidenceProviderFailure.Unavailable,
                $"configfs-tsm is not available: {_options.ReportRoot} does not exist (Linux 6.7+ in a TDX or SEV-SNP guest, configfs mounted).");
        }

        string entry = Path.Combine(_options.ReportRoot, "kms-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8)));
        try
        {
            Directory.CreateDirectory(entry);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw new EvidenceProviderException(EvidenceProviderFailure.Unavailable, $"Cannot create the configfs-tsm report entry {entry}: {exception.Message}", exception);
        }

        try
        {
            await StepAsync(ConfigFsTsmStep.EntryCreated, entry, cancellationToken).ConfigureAwait(false);
            string provider = await ReadSmallAsync(entry, "provider", cancellationToken).ConfigureAwait(false);
            if (provider != _expectedProvider)
            {
                throw new EvidenceProviderException(EvidenceProviderFailure.WrongTee,
                    $"configfs-tsm is provided by '{Printable(provider)}', not '{_expectedProvider}': this guest cannot make {EvidenceType} evidence.");
            }

            if (_options.PrivilegeLevel is int level)
            {
                await WriteAsync(entry, "privlevel", Encoding.ASCII.GetBytes(level.ToString(CultureInfo.InvariantCulture)), cancellationToken).ConfigureAwait(false);
            }

            long before = await ReadGenerationAsync(entry, cancellationToken).ConfigureAwait(false);
            byte[] inblob = new byte[InblobSize];
            reportData.Span.CopyTo(inblob);
            await WriteAsync(entry, "inblob", inblob, cancellationToken).ConfigureAwait(false);
            await StepAsync(ConfigFsTsmStep.InblobWritten, entry, cancellationToken).ConfigureAwait(false);
            byte[] outblob = await ReadBlobAsync(entry, "outblob", cancellationToken).ConfigureAwait(false)
                ?? throw new EvidenceProviderException(EvidenceProviderFailure.Unavailable, $"The configfs-tsm entry {entry} has no outblob.");
            if (_expectedProvider == SevProvider)
            {
                outblob = await AppendSigningCertificateAsync(entry, outblob, cancellationToken).ConfigureAwait(false);
            }

            await StepAsync(ConfigFsTsmStep.OutblobRead, entry, cancellationToken).ConfigureAwait(false);
            long after = await ReadGenerationAsync(entry, cancellationToken).ConfigureAwait(false);

            // Our one write to inblob moves the generation by exactly one; anything else means another writer, and the
            // outblob may answer their inblob.
            if (after != before + 1)
            {
                throw new EvidenceProviderException(EvidenceProviderFailure.ConcurrentUse,
                    $"The configfs-tsm generation went from {before} to {after} around one write: the entry {entry} was used concurrently.");
            }

            return outblob;
        }
        finally
        {
            TryRemove(entry);
        }
    }

    private Task StepAsync(ConfigFsTsmStep step, string entry, CancellationToken cancellationToken) =>
        _observer?.Invoke(step, entry, cancellationToken) ?? Task.CompletedTask;

    /// <summary>
    /// SEV-SNP: the report followed by the DER certificate of the key that signed it (the VCEK, or the VLEK when the
    /// report's SIGNING_KEY says so), taken from the certificate table in <c>auxblob</c> when the host provides one
    /// (the "sev-snp" evidence format); without it the report alone, and the KMS takes the VCEK from its cache.
    /// </summary>
    private async Task<byte[]> AppendSigningCertificateAsync(string entry, byte[] report, CancellationToken cancellationToken)
    {
        if (report.Length != SnpReportResponse.ReportSize)
        {
            throw new EvidenceProviderException(EvidenceProviderFailure.MalformedOutput,
                $"configfs-tsm returned an SEV-SNP report of {report.Length} bytes; a report is {SnpReportResponse.ReportSize}.");
        }

        byte[]? table = await ReadBlobAsync(entry, "auxblob", cancellationToken, optional: true).ConfigureAwait(false);
        if (table is null)
        {
            return report;
        }

        // SIGNING_KEY: bits 2-4 of the 32-bit field at 0x48; 0 = VCEK, 1 = VLEK.
        int signingKey = (report[0x48] >> 2) & 0x7;
        byte[]? certificate = signingKey switch
        {
            0 => SnpCertificateTable.Find(table, SnpCertificateTable.VcekGuid),
            1 => SnpCertificateTable.Find(table, SnpCertificateTable.VlekGuid),
            _ => null,
        };
        return certificate is null ? report : [.. report, .. certificate];
    }

    /// <summary>A binary attribute, bounded; null when <paramref name="optional"/> and it is absent or empty.</summary>
    private async Task<byte[]?> ReadBlobAsync(string entry, string name, CancellationToken cancellationToken, bool optional = false)
    {
        string path = Path.Combine(entry, name);
        if (optional && !File.Exists(path))
        {
            return null;
        }

        try
        {
            // Reading outblob is what makes the TEE produce the report; its size is not known beforehand (configfs
            // attributes report a size of 4096), so the read itself is bounded.
            await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1, FileOptions.Asynchronous);
            byte[] buffer = new byte[_options.MaxOutblobBytes + 1];
            int total = 0, read;
            while (total < buffer.Length && (read = await stream.ReadAsync(buffer.AsMemory(total), cancellationToken).ConfigureAwait(false)) > 0)
            {
                total += read;
            }

            if (total == 0)
            {
                return optional ? null : throw new EvidenceProviderException(EvidenceProviderFailure.MalformedOutput, $"configfs-tsm returned an empty {name} ({path}).");
            }

            if (total > _options.MaxOutblobBytes)
            {
                throw new EvidenceProviderException(EvidenceProviderFailure.MalformedOutput,
                    $"configfs-tsm returned an {name} larger than {_options.MaxOutblobBytes} bytes ({path}).");
            }

            return buffer[..total];
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw new EvidenceProviderException(EvidenceProviderFailure.Unavailable, $"Cannot read {path}: {exception.Message}", exception);
        }
    }

    private static async Task<long> ReadGenerationAsync(string entry, CancellationToken cancellationToken)
    {
        string text = await ReadSmallAsync(entry, "generation", cancellationToken).ConfigureAwait(false);
        return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out long generation)
            ? generation
            : throw new EvidenceProviderException(EvidenceProviderFailure.MalformedOutput,
                $"The configfs-tsm generation '{Printable(text)}' is not a decimal counter.");
    }

    /// <summary>A short text attribute without its trailing newline.</summary>
    private static async Task<string> ReadSmallAsync(string entry, string name, CancellationToken cancellationToken)
    {
        string path = Path.Combine(entry, name);
        try
        {
            await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1, FileOptions.Asynchronous);
            byte[] buffer = new byte[MaxSmallFile + 1];
            int total = 0, read;
            while (total < buffer.Length && (read = await stream.ReadAsync(buffer.AsMemory(total), cancellationToken).ConfigureAwait(false)) > 0)
            {
                total += read;
            }

            if (total > MaxSmallFile)
            {
                throw new EvidenceProviderException(EvidenceProviderFailure.MalformedOutput, $"The configfs-tsm attribute {path} is longer than {MaxSmallFile} bytes.");
            }

            return Encoding.ASCII.GetString(buffer, 0, total).TrimEnd('\n');
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw new EvidenceProviderException(EvidenceProviderFailure.Unavailable, $"Cannot read {path}: {exception.Message}", exception);
        }
    }

    private static async Task WriteAsync(string entry, string name, byte[] content, CancellationToken cancellationToken)
    {
        string path = Path.Combine(entry, name);
        try
        {
            // One write call: configfs binary attributes take the value in the write that carries it.
            await using var stream = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite, 1, FileOptions.Asynchronous);
            await stream.WriteAsync(content, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw new EvidenceProviderException(EvidenceProviderFailure.Unavailable, $"Cannot write {path}: {exception.Message}", exception);
        }
    }

    private static void TryRemove(string entry)
    {
        try
        {
            Directory.Delete(entry); // rmdir: configfs removes the entry with its attributes
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            // A leftover entry holds no secret and the kernel drops it on reboot; failing the request for it helps no one.
        }
    }

    private static string Printable(string value) =>
        value.Length <= 32 && value.All(c => c is >= ' ' and <= '~') ? value : "(not printable)";
}

/// <summary>The points at which <see cref="ConfigFsTsmEvidenceProvider"/> lets a test act as the kernel.</summary>
internal enum ConfigFsTsmStep
{
    /// <summary>The entry directory was created (the kernel creates its attributes).</summary>
    EntryCreated,

    /// <summary>inblob was written (the kernel bumps the generation).</summary>
    InblobWritten,

    /// <summary>outblob was read.</summary>
    OutblobRead,
}
