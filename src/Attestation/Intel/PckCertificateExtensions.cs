using System.Formats.Asn1;
using System.Security.Cryptography.X509Certificates;

namespace Kms.Attestation.Intel;

/// <summary>
/// The Intel SGX extension of a PCK certificate (OID 1.2.840.113741.1.13.1): the platform's FMSPC, PCE id and the TCB
/// (16 SGX TCB component SVNs, PCESVN) that the PCK key was certified for.
/// </summary>
public sealed record PckCertificateExtensions
{
    private const string SgxExtensionOid = "1.2.840.113741.1.13.1";
    private const string PpidOid = SgxExtensionOid + ".1";
    private const string TcbOid = SgxExtensionOid + ".2";
    private const string PceIdOid = SgxExtensionOid + ".3";
    private const string FmspcOid = SgxExtensionOid + ".4";
    private const string PceSvnOid = TcbOid + ".17";
    private const string CpuSvnOid = TcbOid + ".18";

    /// <summary>PPID (16 bytes).</summary>
    public required ReadOnlyMemory<byte> Ppid { get; init; }

    /// <summary>FMSPC (6 bytes).</summary>
    public required ReadOnlyMemory<byte> Fmspc { get; init; }

    /// <summary>PCE id (2 bytes).</summary>
    public required ReadOnlyMemory<byte> PceId { get; init; }

    /// <summary>SGX TCB component SVNs 1..16 (index 0 = component 1).</summary>
    public required ReadOnlyMemory<byte> SgxTcbComponents { get; init; }

    public required ushort PceSvn { get; init; }

    /// <summary>Reads the SGX extension of a PCK certificate; throws a Malformed <see cref="AttestationException"/> if it is absent or bad.</summary>
    public static PckCertificateExtensions Read(X509Certificate2 pck)
    {
        X509Extension? extension = null;
        foreach (X509Extension candidate in pck.Extensions)
        {
            if (candidate.Oid?.Value == SgxExtensionOid)
            {
                extension = candidate;
            }
        }

        if (extension is null)
        {
            throw AttestationException.Malformed("The PCK certificate has no Intel SGX extension.");
        }

        return Parse(extension.RawData);
    }

    /// <summary>Parses the DER value of the SGX extension.</summary>
    public static PckCertificateExtensions Parse(ReadOnlyMemory<byte> der)
    {
        byte[]? ppid = null, fmspc = null, pceId = null;
        byte[] components = new byte[16];
        int componentsSeen = 0;
        int? pceSvn = null;
        try
        {
            AsnReader outer = new(der, AsnEncodingRules.DER);
            AsnReader entries = outer.ReadSequence();
            outer.ThrowIfNotEmpty();
            while (entries.HasData)
            {
                AsnReader entry = entries.ReadSequence();
                string oid = entry.ReadObjectIdentifier();
                switch (oid)
                {
                    case PpidOid:
                        ppid = entry.ReadOctetString();
                        break;
                    case PceIdOid:
                        pceId = entry.ReadOctetString();
                        break;
                    case FmspcOid:
                        fmspc = entry.ReadOctetString();
                        break;
                    case TcbOid:
                        AsnReader tcb = entry.ReadSequence();
                        while (tcb.HasData)
                        {
                            AsnReader item = tcb.ReadSequence();
                            string itemOid = item.ReadObjectIdentifier();
                            if (itemOid == PceSvnOid)
                            {
                                pceSvn = ReadSmallInteger(item, ushort.MaxValue);
                            }
                            else if (itemOid == CpuSvnOid)
                            {
                                item.ReadOctetString();
                            }
                            else if (itemOid.StartsWith(TcbOid + ".", StringComparison.Ordinal)
                                && int.TryParse(itemOid.AsSpan(TcbOid.Length + 1), out int index) && index is >= 1 and <= 16)
                            {
                                components[index - 1] = (byte)ReadSmallInteger(item, byte.MaxValue);
                                componentsSeen |= 1 << (index - 1);
                            }
                            else
                            {
                                item.ReadEncodedValue();
                            }

                            item.ThrowIfNotEmpty();
                        }

                        break;
                    default:
                        entry.ReadEncodedValue();
                        break;
                }

                entry.ThrowIfNotEmpty();
            }
        }
        catch (AsnContentException ex)
        {
            throw new AttestationException(AttestationFailureKind.Malformed, "The PCK certificate's SGX extension is not valid DER.", ex);
        }

        if (ppid is not { Length: 16 } || fmspc is not { Length: 6 } || pceId is not { Length: 2 } || pceSvn is null || componentsSeen != 0xFFFF)
        {
            throw AttestationException.Malformed("The PCK certificate's SGX extension lacks the PPID, FMSPC, PCE id or TCB components.");
        }

        return new PckCertificateExtensions
        {
            Ppid = ppid,
            Fmspc = fmspc,
            PceId = pceId,
            SgxTcbComponents = components,
            PceSvn = (ushort)pceSvn.Value,
        };
    }

    private static int ReadSmallInteger(AsnReader reader, int max)
    {
        if (!reader.TryReadInt32(out int value) || value < 0 || value > max)
        {
            throw AttestationException.Malformed("A TCB value in the PCK certificate is out of range.");
        }

        return value;
    }
}
