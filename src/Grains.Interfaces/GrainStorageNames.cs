namespace Kms.Grains;

/// <summary>The names of the grain storage providers the KMS registers.</summary>
public static class GrainStorageNames
{
    /// <summary>
    /// The storage of every KMS grain state. It seals each state before the configured store (files, Azure Blob,
    /// PostgreSQL) sees it.
    /// </summary>
    public const string Kms = "kms";
}
