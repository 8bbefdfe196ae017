using Kms.Attestation.Tdx;
using Kms.Attestation.Tests.Intel;

namespace Kms.Attestation.Tests.Tdx;

/// <summary>The parser meets hostile bytes with <see cref="AttestationException"/> only (fixed seeds, bounded runs).</summary>
public sealed class TdxQuoteFuzzTests
{
    [Fact]
    public void RandomInputsOnlyThrowAttestationException()
    {
        Random random = new(20261121);
        for (int i = 0; i < 2000; i++)
        {
            byte[] data = new byte[random.Next(0, 6000)];
            random.NextBytes(data);
            if (i % 2 == 0 && data.Length >= 8)
            {
                // Make half of them get past the header checks.
                data[0] = (byte)(4 + (i % 4 == 0 ? 1 : 0));
                data[1] = 0;
                data[2] = 2;
                data[3] = 0;
                data[4] = 0x81;
                data[5] = data[6] = data[7] = 0;
            }

            ParseOrTypedFailure(data);
        }
    }

    [TestDataTheory]
    [InlineData("dcapqvl_tdx_quote_v4.bin")]
    [InlineData("gotdxguest_quote_v5_sample.dat")]
    public void EveryTruncationFailsAsMalformedUntilTheSignatureDataEnds(string name)
    {
        byte[] raw = TdxFixtures.Quote(name);
        int end = raw.Length - TdxQuote.Parse(raw).TrailingByteCount;
        for (int length = 0; length < end; length++)
        {
            AttestationException ex = Assert.Throws<AttestationException>(() => TdxQuote.Parse(raw.AsMemory(0, length)));
            Assert.Equal(AttestationFailureKind.Malformed, ex.Kind);
        }

        for (int length = end; length <= raw.Length; length++)
        {
            Assert.Equal(raw.Length - end - (raw.Length - length), TdxQuote.Parse(raw.AsMemory(0, length)).TrailingByteCount);
        }
    }

    [TestDataTheory]
    [InlineData("dcapqvl_tdx_quote_v4.bin")]
    [InlineData("dcapqvl_tdx_quote_outdated_v5.bin")]
    public void MutatedQuotesOnlyThrowAttestationException(string name)
    {
        foreach (byte[] data in QuoteMutations.Of(TdxFixtures.Quote(name), 42, 3000))
        {
            ParseOrTypedFailure(data);
        }
    }

    [TestDataFact]
    public void LengthFieldsNearTheirLimitsAreRefused()
    {
        byte[] raw = TdxFixtures.Quote("dcapqvl_tdx_quote_v4.bin");
        foreach (int offset in new[] { 632, 764 + 2, 1218, 4936 - 4 })
        {
            foreach (uint value in new[] { 0u, 1u, 0x7FFF_FFFFu, 0xFFFF_FFFFu })
            {
                byte[] data = (byte[])raw.Clone();
                System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(data.AsSpan(offset), value);
                ParseOrTypedFailure(data);
            }
        }
    }

    private static void ParseOrTypedFailure(ReadOnlyMemory<byte> data)
    {
        try
        {
            TdxQuote quote = TdxQuote.Parse(data);
            Assert.True(quote.SignedRegion.Length + quote.Signature.Length <= data.Length);
            _ = quote.ToMeasurements();
        }
        catch (AttestationException)
        {
        }
    }
}
