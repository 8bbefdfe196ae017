using System.Buffers.Binary;

namespace Kms.Actors.Transport;

/// <summary>Framing of the batch route: a body is a sequence of frames, each a 4-byte big-endian length followed by
/// that many bytes of one JSON envelope. Requests go in one exact-length body; responses stream back one frame per
/// call, in completion order, so a slow call never holds back the answers of the others.</summary>
internal static class BatchFraming
{
    public const int PrefixLength = 4;

    /// <summary>Most calls in one batch request; the server rejects larger batches.</summary>
    public const int MaxCallsPerBatch = 256;

    /// <summary>Splits a request body into frames.</summary>
    /// <exception cref="FormatException">A length is zero, negative or runs past the end, or there are more than
    /// <see cref="MaxCallsPerBatch"/> frames.</exception>
    public static List<ReadOnlyMemory<byte>> Split(ReadOnlyMemory<byte> body)
    {
        var frames = new List<ReadOnlyMemory<byte>>();
        int offset = 0;
        while (offset < body.Length)
        {
            if (frames.Count == MaxCallsPerBatch)
            {
                throw new FormatException($"A batch holds at most {MaxCallsPerBatch} calls.");
            }

            if (body.Length - offset < PrefixLength)
            {
                throw new FormatException("Truncated frame length.");
            }

            int length = BinaryPrimitives.ReadInt32BigEndian(body.Span[offset..]);
            offset += PrefixLength;
            if (length <= 0 || length > body.Length - offset)
            {
                throw new FormatException("Frame length out of range.");
            }

            frames.Add(body.Slice(offset, length));
            offset += length;
        }

        return frames.Count == 0 ? throw new FormatException("Empty batch.") : frames;
    }
}
