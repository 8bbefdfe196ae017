namespace Kms.Grains.Tests.Cluster;

/// <summary>The test classes that share one three-silo cluster (a cluster takes seconds to start and stop).</summary>
[CollectionDefinition(Name)]
public sealed class SharedClusterCollection : ICollectionFixture<KmsClusterFixture>
{
    public const string Name = "shared three-silo cluster";
}
