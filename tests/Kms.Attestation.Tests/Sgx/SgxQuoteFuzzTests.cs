using System.Buffers.Binary;
using Kms.Attestation.Sgx;
using Kms.Attestation.Tests.Intel;

namespace Kms.Attestation.Tests.Sgx;

/// <summary>The SGX quote parser meets hostile bytes with <see cref="AttestationException"/> only (fixed seeds, bounded runs).</summary>
public sealed class SgxQuoteFuzzTests
{
    // v3 layout of the dcap-qvl sample: signature data length at 432, QE auth data length at 1012, certification data
    // type at 1046 and size at 1048; the chain ends the quote.
    private const int SigDataLengthOffset = 432;
    private const int AuthLengthOffset = 436 + 64 + 64 + 384 + 64;

    [Fact]
    public void RandomInputsOnlyThrowAttestationException()
    {
        Random random = new(20261202);
        for (int i = 0; i < 2000; i++)
        {
            byte[] data = new byte[random.Next(0, 6000)];
            random.NextBytes(data);
            if (i % 2 == 0 && data.Length >= 8)
            {
                // Half of them get past the header checks: version 3 or 4, key type 2, TEE type 0.
                data[0] = (byte)(i % 4 == 0 ? 3 : 4);
                data[1] = 0;
                data[2] = 2;
                data[3] = 0;
                data[4] = data[5] = data[6] = data[7] = 0;
            }

            if (i % 3 == 0 && data.Length >= SigDataLengthOffset + 4)
            {
                // And a third of those declare a signature data length that fits.
                BinaryPrimitives.WriteUInt32LittleEndian(data.AsSpan(SigDataLengthOffset), (uint)(data.Length - SigDataLengthOffset - 4));
            }

            ParseOrTypedFailure(data);
        }
    }

    [TestDataTheory]
    [InlineData(SgxFixtures.DcapQvl, false)]
    [InlineData(SgxFixtures.SecretNetwork, false)]
    [InlineData(SgxFixtures.TrusteeOcclum, false)]
    [InlineData(SgxFixtures.DcapQvl, true)]
    public void EveryTruncationAndEveryExtensionIsMalformed(string name, bool asVersion4)
    {
        byte[] raw = SgxFixtures.Quote(name);
        if (asVersion4)
        {
            raw = DcapQuoteFrames.SgxV4FromV3(raw);
        }

        Assert.Equal(0, SgxQuote.Parse(raw).TrailingByteCount);
        for (int length = 0; length < raw.Length; length++)
        {
            AttestationException ex = Assert.Throws<AttestationException>(() => SgxQuote.Parse(raw.AsMemory(0, length)));
            Assert.Equal(AttestationFailureKind.Malformed, ex.Kind);
        }

        foreach (int extra in new[] { 1, 2, 64, 4096 })
        {
            byte[] longer = new byte[raw.Length + extra];
            raw.CopyTo(longer, 0);
            Assert.Equal(AttestationFailureKind.Malformed, Assert.Throws<AttestationException>(() => SgxQuote.Parse(longer)).Kind);
        }
    }

    [TestDataTheory]
    [InlineData(SgxFixtures.DcapQvl)]
    [InlineData(SgxFixtures.TrusteeOcclum)]
    public void MutatedQuotesOnlyThrowAttestationException(string name)
    {
        byte[] original = SgxFixtures.Quote(name);
        foreach (byte[] data in QuoteMutations.Of(original, 7, 1500).Concat(QuoteMutations.Of(DcapQuoteFrames.SgxV4FromV3(original), 8, 1500)))
        {
            ParseOrTypedFailure(data);
        }
    }

    [TestDataTheory]
    [InlineData(SigDataLengthOffset, 4)]
    [InlineData(AuthLengthOffset, 2)]
    [InlineData(AuthLengthOffset + 2 + 32 + 2, 4)] // PCK chain size
    public void LengthFieldsAtEveryValueNearTheirLimitsAreRefused(int offset, int width)
    {
        byte[] raw = SgxFixtures.Quote(SgxFixtures.DcapQvl);
        uint actual = width == 4 ? BinaryPrimitives.ReadUInt32LittleEndian(raw.AsSpan(offset)) : BinaryPrimitives.ReadUInt16LittleEndian(raw.AsSpan(offset));
        foreach (uint value in new[] { 0u, 1u, actual - 1, actual + 1, 0x7FFFu, 0xFFFFu, 0x7FFF_FFFFu, 0xFFFF_FFFFu })
        {
            byte[] data = (byte[])raw.Clone();
            if (width == 4)
            {
                BinaryPrimitives.WriteUInt32LittleEndian(data.AsSpan(offset), value);
            }
            else
            {
                BinaryPrimitives.WriteUInt16LittleEndian(data.AsSpan(offset), (ushort)value);
            }

            if ((ushort)value == actual && width == 2)
            {
                continue;
            }

            AttestationException ex = Assert.Throws<AttestationException>(() => SgxQuote.Parse(data));
            Assert.True(ex.Kind is AttestationFailureKind.Malformed or AttestationFailureKind.UnsupportedVersion, $"{value} at {offset}: {ex.Kind}");
        }
    }

    private static void ParseOrTypedFailure(ReadOnlyMemory<byte> data)
    {
        try
        {
            SgxQuote quote = SgxQuote.Parse(data);
            Assert.Equal(data.Length, quote.Raw.Length);
            Assert.Equal(0, quote.TrailingByteCount);
            _ = quote.ToMeasurements();
        }
        catch (AttestationException)
        {
        }
    }
}
