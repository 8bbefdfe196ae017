using System.Buffers;
using System.Buffers.Text;
using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Text;

namespace Kms.Crypto.Signing;

/// <summary>
/// The signed admin request, shared by the silo (which verifies) and clients (which sign): four headers
/// (<see cref="KeyIdHeader"/>, <see cref="TimestampHeader"/>, <see cref="NonceHeader"/>, <see cref="SignatureHeader"/>)
/// carrying an ECDSA P-256 SHA-256 signature, in IEEE P1363 r‖s form, over
/// <c>"orleans-kms-admin-request-v1\n" key-id "\n" METHOD "\n" target "\n" timestamp "\n" nonce "\n" hex(SHA-256(body))</c>,
/// where target is the path and query exactly as sent. Every parser here rejects malformed input with a reason and
/// never throws on hostile input. Replay protection (nonce tracking, clock skew) is the verifier's host's job.
/// </summary>
public static class AdminRequestSignature
{
    /// <summary>The header with the admin's key id.</summary>
    public const string KeyIdHeader = "Kms-Admin-Key";

    /// <summary>The header with the signing time in unix seconds.</summary>
    public const string TimestampHeader = "Kms-Timestamp";

    /// <summary>The header with the request's random nonce.</summary>
    public const string NonceHeader = "Kms-Nonce";

    /// <summary>The header with the signature.</summary>
    public const string SignatureHeader = "Kms-Signature";

    /// <summary>The first line of every signed message: separates these signatures from any other use of the key.</summary>
    public const string DomainLine = "orleans-kms-admin-request-v1";

    /// <summary>The longest key id.</summary>
    public const int MaxKeyIdLength = 64;

    /// <summary>The fewest random bytes a nonce may carry.</summary>
    public const int MinNonceBytes = 16;

    /// <summary>The most random bytes a nonce may carry.</summary>
    public const int MaxNonceBytes = 64;

    /// <summary>The number of random bytes <see cref="Sign"/> puts into a nonce.</summary>
    public const int SignerNonceBytes = 32;

    /// <summary>The length of a P-256 signature in IEEE P1363 form (r‖s, 32 bytes each).</summary>
    public const int SignatureBytes = 64;

    /// <summary>The latest timestamp: 9999-12-31T23:59:59Z, the last second <see cref="DateTimeOffset"/> holds.</summary>
    public const long MaxUnixSeconds = 253_402_300_799;

    /// <summary>The longest HTTP method accepted.</summary>
    public const int MaxMethodLength = 32;

    /// <summary>The longest request target (path and query) accepted.</summary>
    public const int MaxTargetLength = 8192;

    private const string EcPublicKeyOid = "1.2.840.10045.2.1";
    private const string P256CurveOid = "1.2.840.10045.3.1.7";
    private const int UncompressedPointBytes = 65;
    private const string HttpTokenSymbols = "!#$%&'*+-.^_`|~";

    private static readonly SearchValues<char> s_digits =
        SearchValues.Create("0123456789");

    private static readonly SearchValues<char> s_keyIdCharacters =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-");

    private static readonly SearchValues<char> s_methodCharacters =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789" + HttpTokenSymbols);

    private static readonly SearchValues<char> s_targetCharacters =
        SearchValues.Create(Enumerable.Range(0x21, 0x7E - 0x21 + 1).Select(c => (char)c).ToArray());

    /// <summary>
    /// The bytes that are signed. Components must already be valid (see the headers' rules); the method is upper-cased.
    /// </summary>
    /// <exception cref="ArgumentException">A component is malformed.</exception>
    public static byte[] BuildMessage(
        string keyId, string method, string target, string timestamp, string nonce, ReadOnlySpan<byte> body)
    {
        ThrowIfInvalid(ParseKeyId(keyId), nameof(keyId));
        ThrowIfInvalid(CheckMethod(method), nameof(method));
        ThrowIfInvalid(CheckTarget(target), nameof(target));
        ThrowIfInvalid(ParseTimestamp(timestamp, out _), nameof(timestamp));
        ThrowIfInvalid(ParseNonce(nonce), nameof(nonce));
        return BuildCheckedMessage(keyId, method, target, timestamp, nonce, body);
    }

    /// <summary>Signs a request: a fresh random nonce, the given time, and the P-256 key's signature.</summary>
    /// <param name="key">The admin's ECDSA P-256 private key.</param>
    /// <param name="keyId">The key id the silo registered this key under.</param>
    /// <param name="method">The HTTP method (signed upper-cased).</param>
    /// <param name="target">The path and query exactly as it will be sent, e.g. <c>/v1/cluster/init?x=1</c>.</param>
    /// <param name="body">The request body bytes exactly as they will be sent (empty when there is none).</param>
    /// <param name="timestamp">The signing time, normally now.</param>
    /// <returns>The four header values.</returns>
    /// <exception cref="ArgumentException">The key is not P-256, or a component is malformed.</exception>
    public static AdminRequestHeaders Sign(
        ECDsa key, string keyId, string method, string target, ReadOnlySpan<byte> body, DateTimeOffset timestamp)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (!IsP256(key))
        {
            throw new ArgumentException("Admin requests are signed with ECDSA P-256 keys only.", nameof(key));
        }

        long unixSeconds = timestamp.ToUnixTimeSeconds();
        if (unixSeconds < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(timestamp), timestamp, "The timestamp is before 1970.");
        }

        string timestampText = unixSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        string nonce = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(SignerNonceBytes));
        byte[] message = BuildMessage(keyId, method, target, timestampText, nonce, body);
        byte[] signature = key.SignData(
            message, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        return new AdminRequestHeaders(keyId, timestampText, nonce, Base64Url.EncodeToString(signature));
    }

    /// <summary>
    /// Parses the four header values strictly (missing or empty values are <see langword="null"/>-equivalent).
    /// </summary>
    /// <returns>Valid with <paramref name="headers"/> set, or the first failure in header order.</returns>
    public static AdminSignatureCheck TryParse(
        string? keyId, string? timestamp, string? nonce, string? signature, out ParsedAdminRequestHeaders? headers)
    {
        headers = null;
        if (string.IsNullOrEmpty(keyId))
        {
            return Missing(AdminSignatureFailure.MissingKeyId, KeyIdHeader);
        }

        AdminSignatureCheck check = ParseKeyId(keyId);
        if (!check.IsValid)
        {
            return check;
        }

        if (string.IsNullOrEmpty(timestamp))
        {
            return Missing(AdminSignatureFailure.MissingTimestamp, TimestampHeader);
        }

        check = ParseTimestamp(timestamp, out long unixSeconds);
        if (!check.IsValid)
        {
            return check;
        }

        if (string.IsNullOrEmpty(nonce))
        {
            return Missing(AdminSignatureFailure.MissingNonce, NonceHeader);
        }

        check = ParseNonce(nonce);
        if (!check.IsValid)
        {
            return check;
        }

        if (string.IsNullOrEmpty(signature))
        {
            return Missing(AdminSignatureFailure.MissingSignature, SignatureHeader);
        }

        if (!StrictBase64Url.TryDecode(signature, SignatureBytes, SignatureBytes, out byte[]? signatureBytes))
        {
            return AdminSignatureCheck.Fail(AdminSignatureFailure.MalformedSignature,
                $"The {SignatureHeader} header is not unpadded base64url of a {SignatureBytes}-byte P-256 signature (r||s).");
        }

        headers = new ParsedAdminRequestHeaders(keyId, timestamp, unixSeconds, nonce, signatureBytes);
        return AdminSignatureCheck.Valid;
    }

    /// <summary>Parses the headers, then verifies them (see the other overload).</summary>
    public static AdminSignatureCheck Verify(
        AdminRequestHeaders headers, string? method, string? target, ReadOnlySpan<byte> body,
        ReadOnlySpan<byte> subjectPublicKeyInfo)
    {
        ArgumentNullException.ThrowIfNull(headers);
        AdminSignatureCheck parsed = TryParse(
            headers.KeyId, headers.Timestamp, headers.Nonce, headers.Signature, out ParsedAdminRequestHeaders? parsedHeaders);
        return parsed.IsValid ? Verify(parsedHeaders!, method, target, body, subjectPublicKeyInfo) : parsed;
    }

    /// <summary>
    /// Verifies the signature of parsed headers over this request with the admin's public key. High-S signatures are
    /// accepted: ECDSA malleability gives an attacker nothing, since replay protection tracks the signed nonce.
    /// </summary>
    /// <param name="headers">The parsed headers.</param>
    /// <param name="method">The request's HTTP method.</param>
    /// <param name="target">The request's path and query exactly as received (the raw target).</param>
    /// <param name="body">The request's body bytes.</param>
    /// <param name="subjectPublicKeyInfo">The admin's public key: DER SubjectPublicKeyInfo of a P-256 key.</param>
    public static AdminSignatureCheck Verify(
        ParsedAdminRequestHeaders headers, string? method, string? target, ReadOnlySpan<byte> body,
        ReadOnlySpan<byte> subjectPublicKeyInfo)
    {
        ArgumentNullException.ThrowIfNull(headers);
        AdminSignatureCheck check = CheckMethod(method);
        if (!check.IsValid)
        {
            return check;
        }

        check = CheckTarget(target);
        if (!check.IsValid)
        {
            return check;
        }

        check = ImportP256PublicKey(subjectPublicKeyInfo, out ECDsa? key);
        if (!check.IsValid)
        {
            return check;
        }

        using (key)
        {
            byte[] message = BuildCheckedMessage(headers.KeyId, method!, target!, headers.TimestampText, headers.Nonce, body);
            bool verified;
            try
            {
                verified = key!.VerifyData(
                    message, headers.Signature, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
            }
            catch (CryptographicException)
            {
                verified = false;
            }

            return verified
                ? AdminSignatureCheck.Valid
                : AdminSignatureCheck.Fail(AdminSignatureFailure.BadSignature,
                    "The signature does not verify over this request with the admin key.");
        }
    }

    /// <summary>Whether <paramref name="keyId"/> is 1–64 characters of <c>[A-Za-z0-9._-]</c>.</summary>
    public static bool IsValidKeyId(string? keyId) => ParseKeyId(keyId).IsValid;

    /// <summary>Whether <paramref name="key"/> is on the P-256 curve.</summary>
    public static bool IsP256(ECDsa key)
    {
        ArgumentNullException.ThrowIfNull(key);
        ECCurve curve = key.ExportParameters(includePrivateParameters: false).Curve;
        return curve.IsNamed && curve.Oid.Value == P256CurveOid;
    }

    private static byte[] BuildCheckedMessage(
        string keyId, string method, string target, string timestamp, string nonce, ReadOnlySpan<byte> body)
    {
        string bodyHash = Convert.ToHexStringLower(SHA256.HashData(body));
        return Encoding.UTF8.GetBytes(string.Join('\n',
            DomainLine, keyId, method.ToUpperInvariant(), target, timestamp, nonce, bodyHash));
    }

    private static AdminSignatureCheck ParseKeyId(string? keyId)
    {
        if (keyId is not { Length: > 0 and <= MaxKeyIdLength } || keyId.AsSpan().IndexOfAnyExcept(s_keyIdCharacters) >= 0)
        {
            return AdminSignatureCheck.Fail(AdminSignatureFailure.MalformedKeyId,
                $"The {KeyIdHeader} header is not 1 to {MaxKeyIdLength} characters of A-Z, a-z, 0-9, '.', '_' or '-'.");
        }

        return AdminSignatureCheck.Valid;
    }

    private static AdminSignatureCheck ParseTimestamp(string? text, out long unixSeconds)
    {
        unixSeconds = 0;
        if (text is { Length: > 0 and <= 12 }
            && text.AsSpan().IndexOfAnyExcept(s_digits) < 0
            && (text.Length == 1 || text[0] != '0'))
        {
            // At most 12 digits, so no overflow.
            long value = 0;
            foreach (char digit in text)
            {
                value = (value * 10) + (digit - '0');
            }

            if (value <= MaxUnixSeconds)
            {
                unixSeconds = value;
                return AdminSignatureCheck.Valid;
            }
        }

        return AdminSignatureCheck.Fail(AdminSignatureFailure.MalformedTimestamp,
            $"The {TimestampHeader} header is not unix seconds in decimal digits without sign or leading zeros, " +
            $"at most {MaxUnixSeconds}.");
    }

    private static AdminSignatureCheck ParseNonce(string? nonce) =>
        nonce is not null && StrictBase64Url.TryDecode(nonce, MinNonceBytes, MaxNonceBytes, out _)
            ? AdminSignatureCheck.Valid
            : AdminSignatureCheck.Fail(AdminSignatureFailure.MalformedNonce,
                $"The {NonceHeader} header is not unpadded base64url of {MinNonceBytes} to {MaxNonceBytes} bytes.");

    private static AdminSignatureCheck CheckMethod(string? method) =>
        method is { Length: > 0 and <= MaxMethodLength } && method.AsSpan().IndexOfAnyExcept(s_methodCharacters) < 0
            ? AdminSignatureCheck.Valid
            : AdminSignatureCheck.Fail(AdminSignatureFailure.MalformedMethod,
                $"The HTTP method is not a token of at most {MaxMethodLength} characters.");

    private static AdminSignatureCheck CheckTarget(string? target) =>
        target is { Length: > 0 and <= MaxTargetLength } && target[0] == '/'
            && target.AsSpan().IndexOfAnyExcept(s_targetCharacters) < 0
            ? AdminSignatureCheck.Valid
            : AdminSignatureCheck.Fail(AdminSignatureFailure.MalformedTarget,
                $"The request target is not a path and query of at most {MaxTargetLength} printable ASCII characters starting with '/'.");

    private static AdminSignatureCheck ImportP256PublicKey(ReadOnlySpan<byte> subjectPublicKeyInfo, out ECDsa? key)
    {
        key = null;
        AdminSignatureCheck malformed = AdminSignatureCheck.Fail(AdminSignatureFailure.MalformedPublicKey,
            "The registered admin key is not a DER SubjectPublicKeyInfo with an uncompressed point on its curve.");
        AdminSignatureCheck unsupported = AdminSignatureCheck.Fail(AdminSignatureFailure.UnsupportedPublicKey,
            "The registered admin key is not an ECDSA P-256 key.");

        // The algorithm is read before importing, so another key type is reported as such rather than as malformed.
        try
        {
            var reader = new AsnReader(subjectPublicKeyInfo.ToArray(), AsnEncodingRules.DER);
            AsnReader info = reader.ReadSequence();
            reader.ThrowIfNotEmpty();
            AsnReader algorithm = info.ReadSequence();
            if (algorithm.ReadObjectIdentifier() != EcPublicKeyOid)
            {
                return unsupported;
            }

            if (!algorithm.HasData || algorithm.PeekTag() != Asn1Tag.ObjectIdentifier
                || algorithm.ReadObjectIdentifier() != P256CurveOid)
            {
                return unsupported;
            }

            algorithm.ThrowIfNotEmpty();
            // Only the uncompressed point (what .NET and openssl write): hybrid 0x06/0x07 forms would give one key
            // several encodings.
            byte[] point = info.ReadBitString(out int unusedBits);
            info.ThrowIfNotEmpty();
            if (unusedBits != 0 || point.Length != UncompressedPointBytes || point[0] != 0x04)
            {
                return malformed;
            }
        }
        catch (AsnContentException)
        {
            return malformed;
        }

        var imported = ECDsa.Create();
        try
        {
            imported.ImportSubjectPublicKeyInfo(subjectPublicKeyInfo, out int bytesRead);
            if (bytesRead != subjectPublicKeyInfo.Length || !IsP256(imported))
            {
                imported.Dispose();
                return malformed;
            }
        }
        catch (CryptographicException)
        {
            imported.Dispose();
            return malformed;
        }

        key = imported;
        return AdminSignatureCheck.Valid;
    }

    private static AdminSignatureCheck Missing(AdminSignatureFailure failure, string header) =>
        AdminSignatureCheck.Fail(failure, $"The {header} header is missing.");

    private static void ThrowIfInvalid(AdminSignatureCheck check, string parameterName)
    {
        if (!check.IsValid)
        {
            throw new ArgumentException(check.Message, parameterName);
        }
    }
}
