namespace Kms.Grains.Storage;

/// <summary>Options of <see cref="FileGrainStorage"/>.</summary>
public sealed class FileGrainStorageOptions
{
    /// <summary>The default of <see cref="MaxStateSize"/>: 16 MiB.</summary>
    public const int DefaultMaxStateSize = 16 * 1024 * 1024;

    /// <summary>The directory that holds the state files; created if missing. Required.</summary>
    public string Directory { get; set; } = string.Empty;

    /// <summary>The largest serialized state accepted, in bytes; larger writes fail and larger files are reported
    /// corrupt without being read whole. Default: 16 MiB.</summary>
    public int MaxStateSize { get; set; } = DefaultMaxStateSize;
}
