using System.Buffers.Binary;
using System.Security.Cryptography;
using Kms.Attestation.Azure;

namespace Kms.Attestation.Tests.Azure;

/// <summary>
/// TPM quote checks on TPMS_ATTEST structures built here and signed with a key generated in the test (the real quote
/// in the corpus is covered by <see cref="AzureCvmEvidenceVerifierTests"/>).
/// </summary>
public sealed class TpmQuoteTests
{
    private static readonly byte[] s_nonce = SHA256.HashData("nonce"u8);

    [Fact]
    public void Accepts_pkcs1_pss_and_tpmt_signatures_over_a_well_formed_quote()
    {
        using RSA ak = RSA.Create(2048);
        Dictionary<int, ReadOnlyMemory<byte>> pcrs = Pcrs(4, 9, 11);
        byte[] message = BuildQuote(s_nonce, [4, 9, 11], Digest(pcrs, 4, 9, 11));
        TpmQuote quote = TpmQuote.Parse(message);

        Assert.Equal([4, 9, 11], quote.SelectedPcrs);
        Assert.Equal(s_nonce, quote.ExtraData.ToArray());
        quote.VerifyPcrValues(pcrs);
        quote.VerifySignature(ak.SignData(message, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1), ak.ExportParameters(false));
        quote.VerifySignature(ak.SignData(message, HashAlgorithmName.SHA256, RSASignaturePadding.Pss), ak.ExportParameters(false));
        quote.VerifySignature(Tpmt(0x0014, ak.SignData(message, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)), ak.ExportParameters(false));
        quote.VerifySignature(Tpmt(0x0016, ak.SignData(message, HashAlgorithmName.SHA256, RSASignaturePadding.Pss)), ak.ExportParameters(false));
    }

    [Fact]
    public void Wrong_key_wrong_digest_and_tampering_are_refused()
    {
        using RSA ak = RSA.Create(2048);
        using RSA other = RSA.Create(2048);
        Dictionary<int, ReadOnlyMemory<byte>> pcrs = Pcrs(4, 9, 11);
        byte[] message = BuildQuote(s_nonce, [4, 9, 11], Digest(pcrs, 4, 9, 11));
        TpmQuote quote = TpmQuote.Parse(message);
        byte[] signature = ak.SignData(message, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);

        AssertKind(AttestationFailureKind.BadSignature, () => quote.VerifySignature(signature, other.ExportParameters(false)));
        AssertKind(AttestationFailureKind.BadSignature, () => quote.VerifySignature(Tpmt(0x0016, signature), ak.ExportParameters(false)));
        AssertKind(AttestationFailureKind.UnsupportedVersion, () => quote.VerifySignature(Tpmt(0x0018, signature), ak.ExportParameters(false)));
        AssertKind(AttestationFailureKind.Malformed, () => quote.VerifySignature(signature.AsSpan(1).ToArray(), ak.ExportParameters(false)));

        byte[] tampered = (byte[])message.Clone();
        tampered[^1] ^= 1;
        AssertKind(AttestationFailureKind.BadSignature, () => TpmQuote.Parse(tampered).VerifySignature(signature, ak.ExportParameters(false)));

        Dictionary<int, ReadOnlyMemory<byte>> wrongPcr = Pcrs(4, 9, 11);
        wrongPcr[9] = new byte[32];
        AssertKind(AttestationFailureKind.BadSignature, () => quote.VerifyPcrValues(wrongPcr));
        AssertKind(AttestationFailureKind.Malformed, () => quote.VerifyPcrValues(Pcrs(4, 9)));
        AssertKind(AttestationFailureKind.Malformed, () => quote.VerifyPcrValues(Pcrs(4, 9, 12)));
    }

    [Fact]
    public void Malformed_quotes_are_refused()
    {
        Dictionary<int, ReadOnlyMemory<byte>> pcrs = Pcrs(4, 9, 11);
        byte[] valid = BuildQuote(s_nonce, [4, 9, 11], Digest(pcrs, 4, 9, 11));

        byte[] badMagic = (byte[])valid.Clone();
        badMagic[0] = 0;
        AssertKind(AttestationFailureKind.Malformed, () => TpmQuote.Parse(badMagic));
        byte[] certify = (byte[])valid.Clone();
        certify[5] = 0x17; // TPM_ST_ATTEST_CERTIFY
        AssertKind(AttestationFailureKind.Malformed, () => TpmQuote.Parse(certify));
        AssertKind(AttestationFailureKind.Malformed, () => TpmQuote.Parse([.. valid, 0]));
        AssertKind(AttestationFailureKind.UnsupportedVersion, () => TpmQuote.Parse(BuildQuote(s_nonce, [4], new byte[32], bank: 0x0004)));

        var random = new Random(99);
        for (int i = 0; i < 3000; i++)
        {
            byte[] input = (byte[])valid.Clone();
            input[random.Next(input.Length)] = (byte)random.Next(256);
            if (random.Next(3) == 0)
            {
                input = input.AsSpan(0, random.Next(input.Length)).ToArray();
            }

            try
            {
                TpmQuote.Parse(input);
            }
            catch (AttestationException)
            {
            }
        }
    }

    internal static byte[] BuildQuote(byte[] extraData, int[] pcrs, byte[] digest, ushort bank = 0x000B)
    {
        var bytes = new List<byte>();
        void U16(int v) => bytes.AddRange([(byte)(v >> 8), (byte)v]);
        void U32(uint v) { byte[] b = new byte[4]; BinaryPrimitives.WriteUInt32BigEndian(b, v); bytes.AddRange(b); }
        U32(TpmQuote.GeneratedValue);
        U16(TpmQuote.AttestQuote);
        U16(34);
        bytes.AddRange(new byte[] { 0x00, 0x0B }.Concat(new byte[32]));
        U16(extraData.Length);
        bytes.AddRange(extraData);
        bytes.AddRange(new byte[17 + 8]);
        U32(1);
        U16(bank);
        bytes.Add(3);
        byte[] bitmap = new byte[3];
        foreach (int pcr in pcrs)
        {
            bitmap[pcr / 8] |= (byte)(1 << (pcr % 8));
        }

        bytes.AddRange(bitmap);
        U16(digest.Length);
        bytes.AddRange(digest);
        return [.. bytes];
    }

    internal static Dictionary<int, ReadOnlyMemory<byte>> Pcrs(params int[] indices) =>
        indices.ToDictionary(i => i, i => (ReadOnlyMemory<byte>)SHA256.HashData([(byte)i]));

    internal static byte[] Digest(Dictionary<int, ReadOnlyMemory<byte>> pcrs, params int[] indices) =>
        SHA256.HashData(indices.OrderBy(i => i).SelectMany(i => pcrs[i].ToArray()).ToArray());

    private static byte[] Tpmt(ushort scheme, byte[] signature) =>
        [(byte)(scheme >> 8), (byte)scheme, 0x00, 0x0B, (byte)(signature.Length >> 8), (byte)signature.Length, .. signature];

    private static void AssertKind(AttestationFailureKind kind, Action action)
    {
        AttestationException e = Assert.Throws<AttestationException>(action);
        Assert.Equal(kind, e.Kind);
    }
}
