using System.Net;
using System.Security.Cryptography;
using System.Text;
using Kms.Silo.Tests.V1;
using static Kms.Silo.Tests.Kbs.KbsTestWorkload;

namespace Kms.Silo.Tests.Kbs;

/// <summary>A dev silo configured (appsettings.json) with 3-second KBS sessions.</summary>
public sealed class KbsSessionExpiryTests : IAsyncLifetime
{
    private DevSiloSession _session = null!;

    public async Task InitializeAsync() => _session = await DevSiloSession.StartWithSettingsAsync("""{"Silo":{"Grains":{"Kbs":{"SessionLifetime":"00:00:03"}}}}""");

    public async Task DisposeAsync() => await _session.DisposeAsync();

    [Fact]
    public async Task SessionsExpireBeforeAttestationAndBeforeRelease()
    {
        using var workload = new KbsTestWorkload(_session, "expiring");
        await RegisterAsync(_session.Admin, workload.WorkloadId, workload.Identity, "too late");

        string nonce = await workload.AuthAsync();
        await Task.Delay(TimeSpan.FromSeconds(3.5));
        await AssertErrorAsync(await workload.AttestAsync(workload.RsaAttestBody(nonce)), HttpStatusCode.BadRequest, "Invalid session: it expired");

        nonce = await workload.AuthAsync();
        Assert.Equal(HttpStatusCode.OK, (await workload.AttestAsync(workload.RsaAttestBody(nonce))).StatusCode);
        await Task.Delay(TimeSpan.FromSeconds(3.5));
        await AssertErrorAsync(await workload.Client.GetAsync("/kbs/v0/key/expiring"), HttpStatusCode.Unauthorized, "Invalid session: it expired");
    }
}

/// <summary>A dev silo configured (appsettings.json) for the reference's RSA PKCS#1 v1.5 padding.</summary>
public sealed class KbsPkcs1CompatibilityTests : IAsyncLifetime
{
    private DevSiloSession _session = null!;

    public async Task InitializeAsync() => _session = await DevSiloSession.StartWithSettingsAsync("""{"Silo":{"Grains":{"Kbs":{"RsaPkcs1V15Compatibility":true}}}}""");

    public async Task DisposeAsync() => await _session.DisposeAsync();

    [Fact]
    public async Task CompatibilityModeSealsWithPkcs1V15LikeTheReferenceAndOaepWhenAsked()
    {
        using var workload = new KbsTestWorkload(_session, "legacy");
        await RegisterAsync(_session.Admin, workload.WorkloadId, workload.Identity, "legacy passphrase");

        byte[] pkcs1 = await workload.FetchRsaCiphertextAsync("RSA");
        Assert.Equal("legacy passphrase", Encoding.UTF8.GetString(workload.Rsa.Decrypt(pkcs1, RSAEncryptionPadding.Pkcs1)));
        byte[] explicitPkcs1 = await workload.FetchRsaCiphertextAsync("RSA1_5");
        Assert.Equal("legacy passphrase", Encoding.UTF8.GetString(workload.Rsa.Decrypt(explicitPkcs1, RSAEncryptionPadding.Pkcs1)));
        byte[] oaep = await workload.FetchRsaCiphertextAsync("RSA-OAEP-256");
        Assert.Equal("legacy passphrase", Encoding.UTF8.GetString(workload.Rsa.Decrypt(oaep, RSAEncryptionPadding.OaepSHA256)));
    }
}
