using System.Buffers.Binary;

namespace Kms.Attestation.Providers;

/// <summary>
/// The certificate table an SEV-SNP extended report comes with (configfs-tsm's <c>auxblob</c>; GHCB specification,
/// "SNP Extended Guest Request"): entries of <c>GUID (16) ‖ offset (u32 LE) ‖ length (u32 LE)</c>, ended by an
/// all-zero entry, each offset counted from the start of the table's buffer.
/// </summary>
internal static class SnpCertificateTable
{
    private const int EntrySize = 24;

    /// <summary>The VCEK's GUID 63da758d-e664-4564-adc5-f4b93be8accd, in the RFC 4122 byte order the table uses (as
    /// AMD's sev-guest tools and go-sev-guest read it).</summary>
    public static ReadOnlySpan<byte> VcekGuid => [0x63, 0xda, 0x75, 0x8d, 0xe6, 0x64, 0x45, 0x64, 0xad, 0xc5, 0xf4, 0xb9, 0x3b, 0xe8, 0xac, 0xcd];

    /// <summary>The VLEK's GUID a8074bc2-a25a-483e-aae6-39c045a0b8a1.</summary>
    public static ReadOnlySpan<byte> VlekGuid => [0xa8, 0x07, 0x4b, 0xc2, 0xa2, 0x5a, 0x48, 0x3e, 0xaa, 0xe6, 0x39, 0xc0, 0x45, 0xa0, 0xb8, 0xa1];

    /// <summary>The certificate stored under <paramref name="guid"/>, or null when the table has none.</summary>
    /// <exception cref="EvidenceProviderException">The table is malformed (no terminator, an entry outside the buffer
    /// or inside the table, an empty or repeated entry).</exception>
    public static byte[]? Find(ReadOnlySpan<byte> table, ReadOnlySpan<byte> guid)
    {
        int entries = 0;
        while (true)
        {
            int at = entries * EntrySize;
            if (at + EntrySize > table.Length)
            {
                throw Malformed("The SEV-SNP certificate table has no terminating entry.");
            }

            if (!table.Slice(at, EntrySize).ContainsAnyExcept((byte)0))
            {
                break;
            }

            entries++;
        }

        int tableEnd = (entries + 1) * EntrySize;
        byte[]? found = null;
        for (int i = 0; i < entries; i++)
        {
            ReadOnlySpan<byte> entry = table.Slice(i * EntrySize, EntrySize);
            uint offset = BinaryPrimitives.ReadUInt32LittleEndian(entry[16..]);
            uint length = BinaryPrimitives.ReadUInt32LittleEndian(entry[20..]);
            if (length == 0 || offset < tableEnd || (ulong)offset + length > (ulong)table.Length)
            {
                throw Malformed($"SEV-SNP certificate table entry {i} ({offset}+{length}) is empty, overlaps the table or lies outside the {table.Length}-byte buffer.");
            }

            for (int j = 0; j < i; j++)
            {
                if (table.Slice(j * EntrySize, 16).SequenceEqual(entry[..16]))
                {
                    throw Malformed($"SEV-SNP certificate table entry {i} repeats the GUID of entry {j}.");
                }
            }

            if (entry[..16].SequenceEqual(guid))
            {
                found = table.Slice((int)offset, (int)length).ToArray();
            }
        }

        return found;
    }

    private static EvidenceProviderException Malformed(string message) => new(EvidenceProviderFailure.MalformedOutput, message);
}
