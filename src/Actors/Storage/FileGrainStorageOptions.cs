namespace Kms.Actors.Storage;

/// <summary>Options of <see cref="FileGrainStorage"/>.</summary>
public sealed class FileGrainStorageOptions
{
    /// <summary>Directory holding one file per grain state. Required; created if missing.</summary>
    public string Directory { get; set; } = "";

    /// <summary>The 32-byte cluster storage key. When set, states are sealed with AES-256-GCM (confidential and
    /// authenticated, bound to grain id and version); when <see langword="null"/> (default), files carry only a
    /// SHA-256 checksum and are readable by anyone with access to the directory.</summary>
    public byte[]? StorageKey { get; set; }

    /// <summary>Largest state accepted, in bytes, on write and on read (a larger file is reported corrupt without
    /// being read). Default 16 MiB.</summary>
    public int MaxStateSize { get; set; } = 16 * 1024 * 1024;
}
