using Kms.Attestation.Identity;

namespace Kms.Attestation.Tests.Identity;

public sealed class MeasurementIdentitySchemesTests
{
    /// <summary>47 zero bytes followed by <paramref name="i"/> (the Go handler tests' getTestMeasurements).</summary>
    private static byte[] Register(byte i) => [.. new byte[47], i];

    [Fact]
    public void Identity_inputs_are_length_checked()
    {
        Assert.Throws<ArgumentException>(() => MeasurementIdentitySchemes.TeeGuardianTdx([Register(1), Register(2), Register(3)]));
        Assert.Throws<ArgumentException>(() => MeasurementIdentitySchemes.OasisTd(new byte[47], [Register(1), Register(2), Register(3), Register(4)]));
    }

    [Fact]
    public void Tee_guardian_hashes_match_an_independent_sha256()
    {
        // Expected values computed with Python's hashlib over the stated concatenations.
        Assert.Equal(
            "60d0a4614f422e6c3aa34c42946481c02f51141570ac63d27e01ee2a6872eed7",
            Convert.ToHexStringLower(MeasurementIdentitySchemes.TeeGuardianTdx([Register(1), Register(2), Register(3), Register(4)])));
        Assert.Equal(
            "9ed1557a2e813a5e67e48473e190cc40a82c2ddb62ad47d444b3a8879ad60d7d",
            Convert.ToHexStringLower(MeasurementIdentitySchemes.TeeGuardianSnp(Register(1), [.. new byte[31], 2])));
        Assert.Equal(
            "86f77354f38f799c3e3d853dec927db2d921a6d80cc206b01b9d0cf485324fce",
            Convert.ToHexStringLower(MeasurementIdentitySchemes.TeeGuardianSnp(Register(1), new byte[32])));
    }

    [Fact]
    public void Oasis_td_identity_is_the_tuple_hash_of_mrtd_and_rtmrs()
    {
        byte[] identity = MeasurementIdentitySchemes.OasisTd(Register(1), [Register(2), Register(3), Register(4), Register(5)]);
        byte[] expected = TupleHash256.HashData([Register(1), Register(2), Register(3), Register(4), Register(5)], "oasis-core/tdx: TD enclave identity"u8, 32);
        Assert.Equal(expected, identity);
        Assert.Equal(32, identity.Length);
        // Swapping two registers changes the identity.
        Assert.NotEqual(identity, MeasurementIdentitySchemes.OasisTd(Register(1), [Register(3), Register(2), Register(4), Register(5)]));
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
        Assert.True(MeasurementIdentitySchemes.SnpMeasurementMatches(snp, [Register(1), Register(7)]));
        Assert.False(MeasurementIdentitySchemes.SnpMeasurementMatches(snp, [Register(1), Register(7).AsMemory(0, 47)]));
        Assert.False(MeasurementIdentitySchemes.SnpMeasurementMatches(snp, []));
    }
}
