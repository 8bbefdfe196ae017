using System.Security.Cryptography;
using Kms.Crypto.Hpke;
using Kms.Grains.Cluster;

namespace Kms.Grains.Tests.Kms;

/// <summary>Admins with real signing and recovery keys, as an operator would register them at init.</summary>
internal sealed class TestAdmins : IDisposable
{
    public TestAdmins(int count)
    {
        for (int i = 0; i < count; i++)
        {
            Signing.Add(ECDsa.Create(ECCurve.NamedCurves.nistP256));
            Recovery.Add(X25519KeyPair.Generate());
        }
    }

    public List<ECDsa> Signing { get; } = [];

    public List<X25519KeyPair> Recovery { get; } = [];

    public IReadOnlyList<AdminKey> Keys => Signing.Select((key, i) =>
        new AdminKey("admin-" + i, key.ExportSubjectPublicKeyInfo(), Recovery[i].PublicKey.ToArray())).ToArray();

    /// <summary>Opens each admin's recovery share with that admin's recovery key.</summary>
    public List<byte[]> OpenShares(IReadOnlyList<SealedRecoveryShare> shares) => shares.Select(share =>
    {
        int i = int.Parse(share.Admin["admin-".Length..], System.Globalization.CultureInfo.InvariantCulture);
        return HpkeX25519.Open(
            Recovery[i], "Orleans.Kms recovery share v1"u8, System.Text.Encoding.UTF8.GetBytes(share.Admin),
            [.. share.Encapsulation, .. share.Ciphertext], HpkeAead.Aes128Gcm);
    }).ToList();

    public void Dispose()
    {
        Signing.ForEach(k => k.Dispose());
        Recovery.ForEach(k => k.Dispose());
    }
}
