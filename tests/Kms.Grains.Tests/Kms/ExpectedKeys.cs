using Kms.Crypto.KeyTree;
using Kms.Crypto.Oprf;
using Kms.Crypto.Sharing;
using Kms.Grains.Cluster;
using Kms.Grains.Namespaces;

namespace Kms.Grains.Tests.Kms;

/// <summary>Keys computed directly from the root key the admins' recovery shares rebuild, to check threshold results.</summary>
internal sealed class ExpectedKeys(TestAdmins admins, IReadOnlyList<SealedRecoveryShare> recoveryShares)
{
    public byte[] RootKey() => VaultShamir.Combine(admins.OpenShares(recoveryShares));

    public byte[] Namespace(string ns, long epoch) =>
        new OprfServer(OprfSuite.Voprf, OprfPrivateKey.Import(RootKey())).Evaluate(NamespaceKey.Input(ns, epoch));

    /// <summary>The key <see cref="TestWorkload.DeriveAsync"/> is released (purpose "storage").</summary>
    public byte[] Derived(string ns, long epoch, string identity, string name, uint version) =>
        KeyTreeDerivation.DeriveKey(Namespace(ns, epoch), new DerivedKeyLabel("storage", ns, identity, name, version));
}
