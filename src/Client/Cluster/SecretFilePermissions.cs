namespace Kms.Client.Cluster;

/// <summary>Refuses secret files (keys) that other users of the machine can read or change.</summary>
public static class SecretFilePermissions
{
    private const UnixFileMode GroupOrOther = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
        | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    /// <summary>Throws when <paramref name="path"/> is accessible by group or others (POSIX only).</summary>
    /// <exception cref="ClusterConfigurationException">The file is missing or too open.</exception>
    public static void RejectLoose(string path, string what)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path))
        {
            throw new ClusterConfigurationException($"The {what} {path} does not exist.");
        }

        if (!OperatingSystem.IsWindows() && (File.GetUnixFileMode(path) & GroupOrOther) != 0)
        {
            throw new ClusterConfigurationException(
                $"The {what} {path} is accessible by group or others; restrict it with 'chmod 600 {path}'.");
        }
    }
}
