using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Kms.Attestation.Azure;

/// <summary>
/// A TPM 2.0 quote: the TPMS_ATTEST structure (TPM 2.0 Library, Part 2, 10.12.12) with type TPM_ST_ATTEST_QUOTE, and
/// its signature by the attestation key. Only the SHA-256 PCR bank is accepted.
/// </summary>
public sealed class TpmQuote
{
    /// <summary>TPM_GENERATED_VALUE.</summary>
    public const uint GeneratedValue = 0xFF544347;

    /// <summary>TPM_ST_ATTEST_QUOTE.</summary>
    public const ushort AttestQuote = 0x8018;

    private const ushort AlgSha256 = 0x000B;
    private const ushort AlgRsaSsa = 0x0014;
    private const ushort AlgRsaPss = 0x0016;
    private const int MaxAttestSize = 1024;

    private TpmQuote(byte[] message, byte[] extraData, IReadOnlyList<int> selectedPcrs, byte[] pcrDigest)
    {
        Message = message;
        ExtraData = extraData;
        SelectedPcrs = selectedPcrs;
        PcrDigest = pcrDigest;
    }

    /// <summary>The TPMS_ATTEST bytes (what the key signed).</summary>
    public ReadOnlyMemory<byte> Message { get; }

    /// <summary>extraData: the qualifying data (our nonce).</summary>
    public ReadOnlyMemory<byte> ExtraData { get; }

    /// <summary>The selected SHA-256 PCR indices in ascending order.</summary>
    public IReadOnlyList<int> SelectedPcrs { get; }

    /// <summary>pcrDigest: SHA-256 over the selected PCR values concatenated in ascending index order.</summary>
    public ReadOnlyMemory<byte> PcrDigest { get; }

    /// <summary>Parses a TPMS_ATTEST quote strictly (every byte consumed). Throws Malformed / UnsupportedVersion.</summary>
    public static TpmQuote Parse(ReadOnlySpan<byte> message)
    {
        if (message.Length > MaxAttestSize)
        {
            throw AttestationException.Malformed("The TPM quote is too large.");
        }

        var reader = new Reader(message);
        if (reader.U32() != GeneratedValue)
        {
            throw AttestationException.Malformed("The TPM quote does not start with TPM_GENERATED_VALUE.");
        }

        if (reader.U16() != AttestQuote)
        {
            throw AttestationException.Malformed("The TPM attestation structure is not a quote (TPM_ST_ATTEST_QUOTE).");
        }

        reader.Sized(); // qualifiedSigner
        byte[] extraData = reader.Sized().ToArray();
        if (extraData.Length > 64)
        {
            throw AttestationException.Malformed("The TPM quote's extraData is longer than 64 bytes.");
        }

        reader.Skip(8 + 4 + 4 + 1); // clockInfo: clock, resetCount, restartCount, safe
        reader.Skip(8); // firmwareVersion
        uint selections = reader.U32();
        if (selections != 1)
        {
            throw new AttestationException(AttestationFailureKind.UnsupportedVersion, "Only a quote over a single PCR bank (SHA-256) is accepted.");
        }

        if (reader.U16() != AlgSha256)
        {
            throw new AttestationException(AttestationFailureKind.UnsupportedVersion, "Only the SHA-256 PCR bank is accepted.");
        }

        int sizeOfSelect = reader.U8();
        if (sizeOfSelect is < 3 or > 4)
        {
            throw AttestationException.Malformed("The PCR selection bitmap is not 3 or 4 bytes.");
        }

        ReadOnlySpan<byte> bitmap = reader.Bytes(sizeOfSelect);
        var selected = new List<int>();
        for (int i = 0; i < sizeOfSelect * 8; i++)
        {
            if ((bitmap[i / 8] & (1 << (i % 8))) != 0)
            {
                selected.Add(i);
            }
        }

        byte[] digest = reader.Sized().ToArray();
        if (digest.Length != 32)
        {
            throw AttestationException.Malformed("The quote's PCR digest is not a SHA-256 digest.");
        }

        reader.End();
        return new TpmQuote(message.ToArray(), extraData, selected, digest);
    }

    /// <summary>
    /// Verifies <paramref name="signature"/> over the quote with <paramref name="attestationKey"/>. The signature is either
    /// a TPMT_SIGNATURE (TPM_ALG_RSASSA or TPM_ALG_RSAPSS with SHA-256) or the bare RSA signature (modulus length), which
    /// is accepted as RSASSA-PKCS1-v1_5 or RSASSA-PSS with SHA-256. Throws BadSignature.
    /// </summary>
    public void VerifySignature(ReadOnlySpan<byte> signature, RSAParameters attestationKey)
    {
        using RSA rsa = RSA.Create(attestationKey);
        int modulusLength = attestationKey.Modulus!.Length;
        bool valid;
        if (signature.Length == modulusLength)
        {
            valid = rsa.VerifyData(Message.Span, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1) ||
                rsa.VerifyData(Message.Span, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pss);
        }
        else if (signature.Length == 6 + modulusLength &&
            BinaryPrimitives.ReadUInt16BigEndian(signature[2..]) == AlgSha256 &&
            BinaryPrimitives.ReadUInt16BigEndian(signature[4..]) == modulusLength)
        {
            RSASignaturePadding padding = BinaryPrimitives.ReadUInt16BigEndian(signature) switch
            {
                AlgRsaSsa => RSASignaturePadding.Pkcs1,
                AlgRsaPss => RSASignaturePadding.Pss,
                _ => throw new AttestationException(AttestationFailureKind.UnsupportedVersion, "The TPM signature scheme is neither RSASSA nor RSAPSS."),
            };
            valid = rsa.VerifyData(Message.Span, signature[6..], HashAlgorithmName.SHA256, padding);
        }
        else
        {
            throw AttestationException.Malformed("The TPM quote signature has an unexpected length.");
        }

        if (!valid)
        {
            throw new AttestationException(AttestationFailureKind.BadSignature, "The TPM quote signature does not verify with the vTPM attestation key.");
        }
    }

    /// <summary>
    /// Checks that <paramref name="pcrs"/> holds exactly the selected PCRs and that their SHA-256 over the ascending
    /// concatenation equals the quoted digest (BadSignature otherwise: the values are not what the TPM signed).
    /// </summary>
    public void VerifyPcrValues(IReadOnlyDictionary<int, ReadOnlyMemory<byte>> pcrs)
    {
        if (pcrs.Count != SelectedPcrs.Count)
        {
            throw AttestationException.Malformed($"The evidence carries {pcrs.Count} PCR values; the quote selects {SelectedPcrs.Count}.");
        }

        using IncrementalHash hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (int index in SelectedPcrs)
        {
            if (!pcrs.TryGetValue(index, out ReadOnlyMemory<byte> value) || value.Length != 32)
            {
                throw AttestationException.Malformed($"The evidence lacks a 32-byte value for selected PCR {index}.");
            }

            hash.AppendData(value.Span);
        }

        Span<byte> digest = stackalloc byte[32];
        hash.GetHashAndReset(digest);
        if (!digest.SequenceEqual(PcrDigest.Span))
        {
            throw new AttestationException(AttestationFailureKind.BadSignature, "The PCR values do not match the quoted PCR digest.");
        }
    }

    private ref struct Reader(ReadOnlySpan<byte> data)
    {
        private readonly ReadOnlySpan<byte> _data = data;
        private int _offset;

        public uint U32() => BinaryPrimitives.ReadUInt32BigEndian(Bytes(4));

        public ushort U16() => BinaryPrimitives.ReadUInt16BigEndian(Bytes(2));

        public byte U8() => Bytes(1)[0];

        public ReadOnlySpan<byte> Sized() => Bytes(U16());

        public void Skip(int count) => Bytes(count);

        public ReadOnlySpan<byte> Bytes(int count)
        {
            if (count > _data.Length - _offset)
            {
                throw AttestationException.Malformed("The TPM quote is truncated.");
            }

            ReadOnlySpan<byte> slice = _data.Slice(_offset, count);
            _offset += count;
            return slice;
        }

        public readonly void End()
        {
            if (_offset != _data.Length)
            {
                throw AttestationException.Malformed("The TPM quote has trailing bytes.");
            }
        }
    }
}
