using System.Security.Cryptography;
using System.Text;

namespace Kms.Silo;

/// <summary>
/// A 32-byte key file: the cluster storage key that protects state at rest, or the silo's own sealing key. Loaded once
/// at startup; the bytes are zeroed on dispose.
/// </summary>
public sealed class SiloStorageKey : IDisposable
{
    /// <summary>The key length in bytes.</summary>
    public const int KeySizeInBytes = 32;

    // A base64 key file is 44 characters plus perhaps a line break; anything much larger is not a key file.
    private const int MaxFileLength = 128;

    private readonly byte[] _key;
    private bool _disposed;

    private SiloStorageKey(byte[] key, string path, bool created)
    {
        _key = key;
        Path = path;
        WasCreated = created;
    }

    /// <summary>The file the key was read from.</summary>
    public string Path { get; }

    /// <summary><see langword="true"/> when this start generated the key (development mode only).</summary>
    public bool WasCreated { get; }

    /// <summary>The key bytes. Do not copy them further than needed.</summary>
    /// <exception cref="ObjectDisposedException">The key was disposed.</exception>
    public ReadOnlySpan<byte> Key
    {
        get
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _key;
        }
    }

    /// <summary>
    /// Reads the key file; in development mode a missing file is created with a fresh random key (mode 0600).
    /// </summary>
    /// <exception cref="SiloStartupException">The file is missing (outside dev), unreadable, not a 32-byte key, or
    /// readable by group/others.</exception>
    public static SiloStorageKey Load(string path, bool createIfMissing)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        bool created = false;
        if (!File.Exists(path))
        {
            if (!createIfMissing)
            {
                throw new SiloStartupException(
                    $"The key file {path} does not exist. Create one with 'openssl rand -out {path} 32' " +
                    $"and 'chmod 600 {path}'.");
            }

            created = TryCreate(path);
        }

        try
        {
            RejectLoosePermissions(path);
            byte[] key = Read(path);
            return new SiloStorageKey(key, path, created);
        }
        catch (IOException exception)
        {
            throw new SiloStartupException($"Cannot read the key file {path}: {exception.Message}", exception);
        }
        catch (UnauthorizedAccessException exception)
        {
            throw new SiloStartupException($"Cannot read the key file {path}: access denied.", exception);
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (!_disposed)
        {
            _disposed = true;
            CryptographicOperations.ZeroMemory(_key);
        }
    }

    private static bool TryCreate(string path)
    {
        byte[] key = RandomNumberGenerator.GetBytes(KeySizeInBytes);
        try
        {
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }

            using var stream = new FileStream(path, options);
            stream.Write(key);
            stream.Flush(flushToDisk: true);
            return true;
        }
        catch (IOException) when (File.Exists(path))
        {
            return false; // another process created it first; use theirs
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw new SiloStartupException($"Cannot create the key file {path}: {exception.Message}", exception);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
        }
    }

    private static void RejectLoosePermissions(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        const UnixFileMode GroupOrOther = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
            | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;
        UnixFileMode mode = File.GetUnixFileMode(path);
        if ((mode & GroupOrOther) != 0)
        {
            throw new SiloStartupException(
                $"The key file {path} is accessible by group or others; restrict it with 'chmod 600 {path}'.");
        }
    }

    private static byte[] Read(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        if (stream.Length > MaxFileLength)
        {
            throw new SiloStartupException(
                $"The key file {path} is not a key: it must hold {KeySizeInBytes} raw bytes or their base64 text.");
        }

        byte[] content = new byte[stream.Length];
        try
        {
            stream.ReadExactly(content);
            if (content.Length == KeySizeInBytes)
            {
                byte[] raw = content;
                content = [];
                return raw;
            }

            byte[] decoded = new byte[KeySizeInBytes + 3];
            string text = Encoding.ASCII.GetString(content).Trim();
            if (Convert.TryFromBase64String(text, decoded, out int written) && written == KeySizeInBytes)
            {
                byte[] key = decoded[..KeySizeInBytes];
                CryptographicOperations.ZeroMemory(decoded);
                return key;
            }

            CryptographicOperations.ZeroMemory(decoded);
            throw new SiloStartupException(
                $"The key file {path} is not a key: it must hold {KeySizeInBytes} raw bytes or their base64 text.");
        }
        finally
        {
            CryptographicOperations.ZeroMemory(content);
        }
    }
}
