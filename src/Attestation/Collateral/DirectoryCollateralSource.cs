using System.Security.Cryptography;
using System.Text;

namespace Kms.Attestation.Collateral;

/// <summary>
/// A collateral cache in a directory, holding files exactly as the vendors serve them. Layout (all names lower case):
/// <code>
/// intel/tdx/tcbinfo/{fmspc}.json                 Intel PCS v4 /tdx/certification/v4/tcb body (signed "tcbInfo")
/// intel/tdx/tcbinfo/{fmspc}.issuer-chain.pem     its TCB-Info-Issuer-Chain header, URL-decoded (signer, root)
/// intel/tdx/qe-identity.json                     /tdx/certification/v4/qe/identity body (signed "enclaveIdentity")
/// intel/tdx/qe-identity.issuer-chain.pem         its SGX-Enclave-Identity-Issuer-Chain header, URL-decoded
/// intel/sgx/tcbinfo/{fmspc}.json, intel/sgx/qe-identity.json (and their .issuer-chain.pem): the same for SGX
///                                                (/sgx/certification/v4/tcb, /sgx/certification/v4/qe/identity)
/// intel/crl/root.der                             Intel SGX Root CA CRL (DER)
/// intel/crl/platform.der, intel/crl/processor.der  PCK CRLs (DER) from /sgx/certification/v4/pckcrl?ca=...
/// amd/vcek/{Family}/{chipId hex}/{reportedTcb as 16 hex digits}.der   AMD KDS VCEK (DER)
/// amd/crl/{Family}/{vcek|vlek}.der               AMD KDS CRL (DER) from /{vcek|vlek}/v1/{Family}/crl
/// jwks/{SHA-256 of the issuer URL, hex}.json     JWKS document of an Azure Attestation instance
/// </code>
/// Readers never follow names from input into the file system: FMSPCs, chip ids and TCBs are hex, CRL and family names
/// come from fixed lists, issuers are hashed. Writes go to a temporary file first and are then renamed into place.
/// </summary>
public sealed class DirectoryCollateralSource : ICollateralSource
{
    /// <summary>Largest file this source reads; real collateral is at most tens of kilobytes.</summary>
    public const int MaxFileLength = 4 << 20;

    private static readonly string[] s_crlNames = ["root", "platform", "processor"];
    private static readonly string[] s_processorFamilies = ["Milan", "Genoa", "Turin"];
    private static readonly string[] s_amdKeyKinds = ["vcek", "vlek"];

    public DirectoryCollateralSource(string rootDirectory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(rootDirectory);
        RootDirectory = Path.GetFullPath(rootDirectory);
    }

    public string RootDirectory { get; }

    /// <inheritdoc />
    public async ValueTask<SignedCollateral?> GetTcbInfoAsync(TeeType tee, string fmspc, CancellationToken cancellationToken)
    {
        string? stem = TcbInfoStem(tee, fmspc);
        return stem is null ? null : await ReadSignedAsync(stem, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask<SignedCollateral?> GetQeIdentityAsync(TeeType tee, CancellationToken cancellationToken)
    {
        string? stem = QeIdentityStem(tee);
        return stem is null ? null : await ReadSignedAsync(stem, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask<ReadOnlyMemory<byte>?> GetCrlAsync(string name, CancellationToken cancellationToken)
    {
        string? path = CrlPath(name);
        return AsMemory(path is null ? null : await ReadAsync(path, cancellationToken).ConfigureAwait(false));
    }

    /// <inheritdoc />
    public async ValueTask<ReadOnlyMemory<byte>?> GetVcekAsync(string processorFamily, ReadOnlyMemory<byte> chipId, ulong reportedTcb, CancellationToken cancellationToken)
    {
        string? path = VcekPath(processorFamily, chipId.Span, reportedTcb);
        return AsMemory(path is null ? null : await ReadAsync(path, cancellationToken).ConfigureAwait(false));
    }

    /// <inheritdoc />
    public async ValueTask<ReadOnlyMemory<byte>?> GetAmdCrlAsync(string processorFamily, string keyKind, CancellationToken cancellationToken)
    {
        string? path = AmdCrlPath(processorFamily, keyKind);
        return AsMemory(path is null ? null : await ReadAsync(path, cancellationToken).ConfigureAwait(false));
    }

    /// <inheritdoc />
    public async ValueTask<string?> GetJwksAsync(string issuer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(issuer);
        byte[]? bytes = await ReadAsync(JwksPath(issuer), cancellationToken).ConfigureAwait(false);
        return CollateralFileCache.Text(bytes);
    }

    /// <summary>Stores a TCB info response body and its issuer chain.</summary>
    public Task PutTcbInfoAsync(TeeType tee, string fmspc, SignedCollateral collateral, CancellationToken cancellationToken) =>
        WriteSignedAsync(TcbInfoStem(tee, fmspc) ?? throw new ArgumentException("Not an SGX or TDX TEE type, or not a 6-byte hex FMSPC.", nameof(fmspc)), collateral, cancellationToken);

    /// <summary>Stores a QE identity response body and its issuer chain.</summary>
    public Task PutQeIdentityAsync(TeeType tee, SignedCollateral collateral, CancellationToken cancellationToken) =>
        WriteSignedAsync(QeIdentityStem(tee) ?? throw new ArgumentException("Not an SGX or TDX TEE type.", nameof(tee)), collateral, cancellationToken);

    /// <summary>Stores a DER CRL ("root", "platform" or "processor").</summary>
    public Task PutCrlAsync(string name, ReadOnlyMemory<byte> der, CancellationToken cancellationToken) =>
        WriteAsync(CrlPath(name) ?? throw new ArgumentException("Unknown CRL name.", nameof(name)), der, cancellationToken);

    /// <summary>Stores a DER VCEK.</summary>
    public Task PutVcekAsync(string processorFamily, ReadOnlyMemory<byte> chipId, ulong reportedTcb, ReadOnlyMemory<byte> der, CancellationToken cancellationToken) =>
        WriteAsync(VcekPath(processorFamily, chipId.Span, reportedTcb) ?? throw new ArgumentException("Unknown processor family or bad chip id.", nameof(processorFamily)), der, cancellationToken);

    /// <summary>Stores a DER AMD KDS CRL ("vcek" or "vlek") of a processor family.</summary>
    public Task PutAmdCrlAsync(string processorFamily, string keyKind, ReadOnlyMemory<byte> der, CancellationToken cancellationToken) =>
        WriteAsync(AmdCrlPath(processorFamily, keyKind) ?? throw new ArgumentException("Unknown processor family or key kind.", nameof(processorFamily)), der, cancellationToken);

    /// <summary>Stores a JWKS document.</summary>
    public Task PutJwksAsync(string issuer, string jwksJson, CancellationToken cancellationToken) =>
        WriteAsync(JwksPath(issuer), Encoding.UTF8.GetBytes(jwksJson), cancellationToken);

    private string? TcbInfoStem(TeeType tee, string fmspc)
    {
        if (IntelDirectory(tee) is not { } teeDirectory || fmspc is not { Length: 12 } || !IsHex(fmspc))
        {
            return null;
        }

        return Path.Combine(RootDirectory, "intel", teeDirectory, "tcbinfo", fmspc.ToLowerInvariant());
    }

    private string? QeIdentityStem(TeeType tee) => IntelDirectory(tee) is { } teeDirectory ? Path.Combine(RootDirectory, "intel", teeDirectory, "qe-identity") : null;

    private string? CrlPath(string name) =>
        Array.IndexOf(s_crlNames, name) >= 0 ? Path.Combine(RootDirectory, "intel", "crl", name + ".der") : null;

    private string? VcekPath(string family, ReadOnlySpan<byte> chipId, ulong reportedTcb)
    {
        int index = Array.IndexOf(s_processorFamilies, family);
        if (index < 0 || chipId.Length is 0 or > 64)
        {
            return null;
        }

        return Path.Combine(RootDirectory, "amd", "vcek", s_processorFamilies[index], Convert.ToHexStringLower(chipId), reportedTcb.ToString("x16", System.Globalization.CultureInfo.InvariantCulture) + ".der");
    }

    private string? AmdCrlPath(string family, string keyKind)
    {
        int familyIndex = Array.IndexOf(s_processorFamilies, family);
        int kindIndex = Array.IndexOf(s_amdKeyKinds, keyKind);
        return familyIndex < 0 || kindIndex < 0 ? null : Path.Combine(RootDirectory, "amd", "crl", s_processorFamilies[familyIndex], s_amdKeyKinds[kindIndex] + ".der");
    }

    private string JwksPath(string issuer) =>
        Path.Combine(RootDirectory, "jwks", Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(issuer))) + ".json");

    // A null array must stay null: the implicit byte[] → ReadOnlyMemory conversion (also applied to a null literal in a
    // conditional expression) would turn "absent" into "present and empty".
    private static ReadOnlyMemory<byte>? AsMemory(byte[]? bytes)
    {
        if (bytes is null)
        {
            return default(ReadOnlyMemory<byte>?);
        }

        return new ReadOnlyMemory<byte>(bytes);
    }

    // Intel serves SGX and TDX TCB info and QE identities separately; an Azure TDX quote uses the TDX ones.
    internal static string? IntelDirectory(TeeType tee) => tee switch
    {
        TeeType.Tdx or TeeType.AzureTdx => "tdx",
        TeeType.Sgx => "sgx",
        _ => null,
    };

    private static bool IsHex(string text)
    {
        foreach (char c in text)
        {
            if (!char.IsAsciiHexDigit(c))
            {
                return false;
            }
        }

        return true;
    }

    private static async ValueTask<SignedCollateral?> ReadSignedAsync(string stem, CancellationToken cancellationToken)
    {
        byte[]? body = await ReadAsync(stem + ".json", cancellationToken).ConfigureAwait(false);
        byte[]? chain = await ReadAsync(stem + ".issuer-chain.pem", cancellationToken).ConfigureAwait(false);
        return CollateralFileCache.Signed(stem, body, chain);
    }

    private static ValueTask<byte[]?> ReadAsync(string path, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult(CollateralFileCache.Read(path, ReadFile));
    }

    private static byte[]? ReadFile(string path)
    {
        // Synchronous on purpose: the files are a few kilobytes on a local disk, where an async FileStream costs two
        // orders of magnitude more (thread-pool hops) than the read itself.
        try
        {
            using Microsoft.Win32.SafeHandles.SafeFileHandle handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete);
            long length = RandomAccess.GetLength(handle);
            if (length > MaxFileLength)
            {
                throw new AttestationException(AttestationFailureKind.Malformed, $"Collateral file '{Path.GetFileName(path)}' is larger than {MaxFileLength} bytes.");
            }

            byte[] buffer = new byte[length];
            int total = 0;
            while (total < buffer.Length)
            {
                int read = RandomAccess.Read(handle, buffer.AsSpan(total), total);
                if (read == 0)
                {
                    // The file shrank while being read (a concurrent replace): return what a fresh read would see.
                    return ReadFile(path);
                }

                total += read;
            }

            return buffer;
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }

    private static async Task WriteSignedAsync(string stem, SignedCollateral collateral, CancellationToken cancellationToken)
    {
        // The chain first: a reader that sees the new body finds a chain that can verify it (both are Intel-signed and
        // a body is only accepted if its own signature verifies, so a momentary mismatch fails closed, never open).
        await WriteAsync(stem + ".issuer-chain.pem", Encoding.UTF8.GetBytes(collateral.IssuerChainPem), cancellationToken).ConfigureAwait(false);
        await WriteAsync(stem + ".json", collateral.Body, cancellationToken).ConfigureAwait(false);
    }

    private static async Task WriteAsync(string path, ReadOnlyMemory<byte> content, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        string temporary = $"{path}.{Guid.NewGuid():N}.tmp";
        try
        {
            await File.WriteAllBytesAsync(temporary, content, cancellationToken).ConfigureAwait(false);
            File.Move(temporary, path, overwrite: true);
            CollateralFileCache.Invalidate(path);
        }
        finally
        {
            File.Delete(temporary);
        }
    }
}
