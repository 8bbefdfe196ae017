namespace Kms.Client.Cluster;

/// <summary>The cluster connection settings (TLS files, clustering store) are unusable; the message says why.</summary>
public sealed class ClusterConfigurationException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ClusterConfigurationException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with its cause.</summary>
    public ClusterConfigurationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
