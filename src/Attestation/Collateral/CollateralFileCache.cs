using System.Collections.Concurrent;
using System.Text;

namespace Kms.Attestation.Collateral;

/// <summary>
/// The contents of collateral files, shared by every <see cref="DirectoryCollateralSource"/> of the process, so that a
/// verification does not open and read six files: a file is looked at again (one stat) at most once per
/// <see cref="RecheckInterval"/> and read again only when its size or modification time changed. Writes through any
/// <see cref="DirectoryCollateralSource"/> invalidate their file at once; a file replaced by another process is seen
/// within <see cref="RecheckInterval"/>. Reads return the same array while a file is unchanged, which is what lets the
/// verifiers' caches (keyed by exact bytes) answer without re-verifying.
/// </summary>
internal static class CollateralFileCache
{
    /// <summary>How long a file's contents are used without looking at the file: 1 second.</summary>
    public static TimeSpan RecheckInterval { get; set; } = TimeSpan.FromSeconds(1);

    private const int MaxEntries = 4096;
    private static readonly ConcurrentDictionary<string, Entry> s_files = new(StringComparer.Ordinal);
    private static readonly ConcurrentDictionary<string, SignedEntry> s_signed = new(StringComparer.Ordinal);
    private static TextEntry? s_lastText;

    /// <summary>The file's bytes (null when it does not exist), read with <paramref name="read"/> when not known or changed.</summary>
    public static byte[]? Read(string path, Func<string, byte[]?> read)
    {
        long now = Environment.TickCount64;
        if (s_files.TryGetValue(path, out Entry? entry))
        {
            if (now - entry.CheckedAt < (long)RecheckInterval.TotalMilliseconds)
            {
                return entry.Bytes;
            }

            if (Stamp(path) == entry.Stamp)
            {
                s_files[path] = entry with { CheckedAt = now };
                return entry.Bytes;
            }
        }

        // The stamp is taken before the read: a file replaced in between is read again at the next look.
        FileStamp stamp = Stamp(path);
        byte[]? bytes = read(path);
        if (s_files.Count >= MaxEntries)
        {
            s_files.Clear();
        }

        s_files[path] = new Entry(bytes, stamp, now);
        return bytes;
    }

    /// <summary>One <see cref="SignedCollateral"/> instance per unchanged (body, chain) pair of files.</summary>
    public static SignedCollateral? Signed(string stem, byte[]? body, byte[]? chain)
    {
        if (body is null || chain is null)
        {
            return null;
        }

        if (s_signed.TryGetValue(stem, out SignedEntry? entry) && ReferenceEquals(entry.Body, body) && ReferenceEquals(entry.Chain, chain))
        {
            return entry.Collateral;
        }

        SignedCollateral collateral = new(body, Encoding.UTF8.GetString(chain));
        if (s_signed.Count >= MaxEntries)
        {
            s_signed.Clear();
        }

        s_signed[stem] = new SignedEntry(body, chain, collateral);
        return collateral;
    }

    /// <summary>One string per unchanged file contents (JWKS documents): consumers may cache by reference.</summary>
    public static string? Text(byte[]? bytes)
    {
        if (bytes is null)
        {
            return null;
        }

        TextEntry? last = s_lastText;
        if (last is not null && ReferenceEquals(last.Bytes, bytes))
        {
            return last.Text;
        }

        string text = Encoding.UTF8.GetString(bytes);
        s_lastText = new TextEntry(bytes, text);
        return text;
    }

    /// <summary>Forgets a file (after it was written).</summary>
    public static void Invalidate(string path) => s_files.TryRemove(path, out _);

    private static FileStamp Stamp(string path)
    {
        FileInfo info = new(path);
        return info.Exists ? new FileStamp(true, info.Length, info.LastWriteTimeUtc.Ticks) : default;
    }

    private readonly record struct FileStamp(bool Exists, long Length, long LastWriteTicks);

    private sealed record Entry(byte[]? Bytes, FileStamp Stamp, long CheckedAt);

    private sealed record SignedEntry(byte[] Body, byte[] Chain, SignedCollateral Collateral);

    private sealed record TextEntry(byte[] Bytes, string Text);
}
