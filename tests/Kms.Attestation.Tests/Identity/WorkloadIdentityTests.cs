using Kms.Attestation.Identity;

namespace Kms.Attestation.Tests.Identity;

public sealed class WorkloadIdentityTests
{
    /// <summary>47 zero bytes followed by <paramref name="i"/> (the Go handler tests' getTestMeasurements).</summary>
    private static byte[] Register(byte i) => [.. new byte[47], i];

    private static byte[] Pcr(byte b) => [b, b, .. new byte[30]];

    [Theory]
    [InlineData("0000000000000000000000000000000000000000", "67699f351d50ed20be6afc88f4555335e244c06fb4f4bde7eb7147edf07d5fbd")]
    [InlineData("1111111111111111111111111111111111111111", "3c49a19fd84498c112338bcdc88b9d81dc989cf51bea36a685336879aef26eb1")]
    public void Ruteri_dcap_identity_matches_the_derived_vectors(string contract, string expected)
    {
        byte[] identity = WorkloadIdentity.RuteriDcap(Convert.FromHexString(contract), Register(1), Register(2), Register(3));
        Assert.Equal(expected, Convert.ToHexStringLower(identity));
    }

    [Fact]
    public void Ruteri_maa_identity_matches_the_derived_vector_on_decoded_pcrs()
    {
        byte[] identity = WorkloadIdentity.RuteriMaa(new byte[20], Pcr(0x04), Pcr(0x09), Pcr(0x0b));
        Assert.Equal("f8608e5e388e02dc087f8ff07132161e5e2a48a890bace09d864a885b21084c5", Convert.ToHexStringLower(identity));
    }

    [Fact]
    public void Identity_inputs_are_length_checked()
    {
        Assert.Throws<ArgumentException>(() => WorkloadIdentity.RuteriDcap(new byte[19], Register(1), Register(2), Register(3)));
        Assert.Throws<ArgumentException>(() => WorkloadIdentity.RuteriDcap(new byte[20], Register(1), Register(2), new byte[32]));
        // The Go service copies the 64-character hex text of a PCR; that is not 32 bytes and must not be accepted.
        Assert.Throws<ArgumentException>(() => WorkloadIdentity.RuteriMaa(new byte[20], "04040000000000000000000000000000"u8.ToArray().Concat(new byte[32]).ToArray(), Pcr(9), Pcr(11)));
        Assert.Throws<ArgumentException>(() => WorkloadIdentity.TeeGuardianTdx([Register(1), Register(2), Register(3)]));
        Assert.Throws<ArgumentException>(() => WorkloadIdentity.OasisTd(new byte[47], [Register(1), Register(2), Register(3), Register(4)]));
    }

    [Fact]
    public void Tee_guardian_hashes_match_an_independent_sha256()
    {
        // Expected values computed with Python's hashlib over the stated concatenations.
        Assert.Equal(
            "60d0a4614f422e6c3aa34c42946481c02f51141570ac63d27e01ee2a6872eed7",
            Convert.ToHexStringLower(WorkloadIdentity.TeeGuardianTdx([Register(1), Register(2), Register(3), Register(4)])));
        Assert.Equal(
            "9ed1557a2e813a5e67e48473e190cc40a82c2ddb62ad47d444b3a8879ad60d7d",
            Convert.ToHexStringLower(WorkloadIdentity.TeeGuardianSnp(Register(1), [.. new byte[31], 2])));
        Assert.Equal(
            "86f77354f38f799c3e3d853dec927db2d921a6d80cc206b01b9d0cf485324fce",
            Convert.ToHexStringLower(WorkloadIdentity.TeeGuardianSnp(Register(1), new byte[32])));
    }

    [Fact]
    public void Oasis_td_identity_is_the_tuple_hash_of_mrtd_and_rtmrs()
    {
        byte[] identity = WorkloadIdentity.OasisTd(Register(1), [Register(2), Register(3), Register(4), Register(5)]);
        byte[] expected = TupleHash256.HashData([Register(1), Register(2), Register(3), Register(4), Register(5)], "oasis-core/tdx: TD enclave identity"u8, 32);
        Assert.Equal(expected, identity);
        Assert.Equal(32, identity.Length);
        // Swapping two registers changes the identity.
        Assert.NotEqual(identity, WorkloadIdentity.OasisTd(Register(1), [Register(3), Register(2), Register(4), Register(5)]));
    }

    [Fact]
    public void Snp_measurement_match_is_exact()
    {
        var snp = new SnpMeasurements
        {
            Version = 2, GuestSvn = 0, Policy = 0x30000, FamilyId = new byte[16], ImageId = new byte[16], Vmpl = 0,
            Measurement = Register(7), HostData = new byte[32], IdKeyDigest = new byte[48], AuthorKeyDigest = new byte[48],
            ReportId = new byte[32], ChipId = new byte[64], ReportedTcb = 0, CurrentTcb = 0, CommittedTcb = 0, LaunchTcb = 0, PlatformInfo = 0,
        };
        Assert.True(WorkloadIdentity.SnpMeasurementMatches(snp, [Register(1), Register(7)]));
        Assert.False(WorkloadIdentity.SnpMeasurementMatches(snp, [Register(1), Register(7).AsMemory(0, 47)]));
        Assert.False(WorkloadIdentity.SnpMeasurementMatches(snp, []));
    }
}
