using System.Numerics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Kms.Attestation.Intel;
using Kms.Attestation.X509;

namespace Kms.Attestation.Tests.X509;

public sealed class CertificateRevocationListTests
{
    private static (X509Certificate2 Ca, ECDsa Key) CreateCa(string name)
    {
        ECDsa key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        CertificateRequest request = new($"CN={name}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        X509Certificate2 ca = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
        return (ca, key);
    }

    private static X509Certificate2 Issue(X509Certificate2 ca, byte[] serial)
    {
        using ECDsa key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        CertificateRequest request = new("CN=leaf", key, HashAlgorithmName.SHA256);
        return request.Create(ca, DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30), serial);
    }

    [Fact]
    public void RevokedSerialsSignatureAndWindowAreRead()
    {
        (X509Certificate2 ca, ECDsa key) = CreateCa("Test CA");
        X509Certificate2 revoked = Issue(ca, [0x01, 0x23, 0x45]);
        X509Certificate2 good = Issue(ca, [0x01, 0x23, 0x46]);
        CertificateRevocationListBuilder builder = new();
        builder.AddEntry(revoked, DateTimeOffset.UtcNow.AddHours(-1));
        DateTimeOffset thisUpdate = DateTimeOffset.UtcNow.AddMinutes(-5);
        DateTimeOffset nextUpdate = thisUpdate.AddDays(7);
        byte[] der = builder.Build(ca, BigInteger.One, nextUpdate, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1, thisUpdate);

        CertificateRevocationList crl = CertificateRevocationList.Parse(der);

        Assert.True(crl.VerifiedBy(ca));
        Assert.True(crl.IsRevoked(revoked));
        Assert.False(crl.IsRevoked(good));
        Assert.Equal(1, crl.RevokedCount);
        Assert.True(crl.IsCurrent(thisUpdate.AddDays(1)));
        Assert.False(crl.IsCurrent(thisUpdate.AddSeconds(-2)));
        Assert.False(crl.IsCurrent(nextUpdate.AddSeconds(1)));

        (X509Certificate2 other, ECDsa otherKey) = CreateCa("Test CA");
        Assert.False(crl.VerifiedBy(other)); // same name, other key
        der[^3] ^= 1;
        Assert.False(CertificateRevocationList.Parse(der).VerifiedBy(ca));
        key.Dispose();
        otherKey.Dispose();
    }

    [TestDataFact]
    public void IntelCrlsParseAndVerifyAgainstTheirIssuers()
    {
        CertificateRevocationList root = CertificateRevocationList.Parse(TestData.Bytes("attestation/collateral/gotdxguest_rootcrl.der"));
        Assert.True(root.VerifiedBy(IntelSgxRootCa.Certificate));
        Assert.Equal(new DateTimeOffset(2023, 4, 3, 10, 22, 51, TimeSpan.Zero), root.ThisUpdate);
        Assert.Equal(new DateTimeOffset(2024, 4, 2, 10, 22, 51, TimeSpan.Zero), root.NextUpdate);

        X509Certificate2 platformCa = PemCertificates.Parse(TestData.Text("attestation/collateral/gotdxguest_pckcrl_issuer_chain_DECODED.pem"))[0];
        CertificateRevocationList pck = CertificateRevocationList.Parse(TestData.Bytes("attestation/collateral/gotdxguest_pckcrl_platform.der"));
        Assert.True(pck.VerifiedBy(platformCa));
        Assert.False(pck.VerifiedBy(IntelSgxRootCa.Certificate));
        Assert.True(pck.RevokedCount > 0);
    }

    [Fact]
    public void MutatedCrlsOnlyThrowAttestationException()
    {
        (X509Certificate2 ca, ECDsa key) = CreateCa("Fuzz CA");
        CertificateRevocationListBuilder builder = new();
        builder.AddEntry([1, 2, 3], DateTimeOffset.UtcNow);
        byte[] der = builder.Build(ca, BigInteger.One, DateTimeOffset.UtcNow.AddDays(1), HashAlgorithmName.SHA256);
        Random random = new(7);
        for (int i = 0; i < 2000; i++)
        {
            byte[] data = (byte[])der.Clone();
            data[random.Next(data.Length)] = (byte)random.Next(256);
            if (i % 3 == 0)
            {
                Array.Resize(ref data, random.Next(data.Length));
            }

            try
            {
                CertificateRevocationList crl = CertificateRevocationList.Parse(data);
                _ = crl.VerifiedBy(ca);
            }
            catch (AttestationException)
            {
            }
        }

        key.Dispose();
    }
}
