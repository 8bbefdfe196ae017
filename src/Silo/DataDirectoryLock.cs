namespace Kms.Silo;

/// <summary>
/// Holds an exclusive lock on a data directory for the silo's lifetime: file storage must never be shared by two
/// processes (its version checks are atomic within one process only).
/// </summary>
public sealed class DataDirectoryLock : IDisposable
{
    /// <summary>The lock file's name inside the data directory.</summary>
    public const string LockFileName = "silo.lock";

    private readonly FileStream _lockFile;

    private DataDirectoryLock(FileStream lockFile)
    {
        _lockFile = lockFile;
    }

    /// <summary>Takes the lock.</summary>
    /// <exception cref="SiloStartupException">Another silo holds it, or the directory is not writable.</exception>
    public static DataDirectoryLock Acquire(string dataDirectory)
    {
        ArgumentException.ThrowIfNullOrEmpty(dataDirectory);
        string path = Path.Combine(dataDirectory, LockFileName);
        try
        {
            // FileShare.None is an exclusive lock (flock on Unix) that the OS releases if the process dies.
            return new DataDirectoryLock(new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));
        }
        catch (IOException exception)
        {
            throw new SiloStartupException(
                $"The data directory {dataDirectory} is in use by another kms-silo process (cannot lock {path}); " +
                "every silo needs its own data directory.", exception);
        }
        catch (UnauthorizedAccessException exception)
        {
            throw new SiloStartupException($"Cannot write to the data directory {dataDirectory}: access denied.", exception);
        }
    }

    /// <inheritdoc />
    public void Dispose() => _lockFile.Dispose();
}
