using System.Runtime.InteropServices;

namespace Kms.Grains.Storage;

/// <summary>Makes a rename durable: on POSIX file systems the directory entry must be flushed too.</summary>
internal static partial class DirectorySync
{
    public static void Flush(string directory)
    {
        // Windows has no directory fsync; NTFS journals the rename itself.
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        int descriptor = Open(directory, 0 /* O_RDONLY */);
        if (descriptor < 0)
        {
            throw new IOException($"Could not open the state directory for fsync (errno {Marshal.GetLastPInvokeError()}).");
        }

        try
        {
            if (FSync(descriptor) != 0)
            {
                throw new IOException($"fsync of the state directory failed (errno {Marshal.GetLastPInvokeError()}).");
            }
        }
        finally
        {
            _ = Close(descriptor);
        }
    }

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int FSync(int descriptor);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int descriptor);
}
