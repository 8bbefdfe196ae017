using System.Security.Cryptography;
using System.Text;
using Kms.Crypto.Hpke;
using Kms.Grains.Storage;

namespace Kms.Grains.KeyShares;

/// <summary>
/// The silo's own key — not the cluster storage key, which every silo holds. It seals this silo's key shares at rest
/// (so a copy of the store and the cluster storage key together still reveal no share) and derives the transport
/// keys dealers seal shares to. A key file in the data directory today; the vTPM on an Azure confidential VM.
/// </summary>
public sealed class SiloSealingKey : IDisposable
{
    /// <summary>The length of the key.</summary>
    public const int KeySize = 32;

    private static readonly byte[] s_shareLabel = "Orleans.Kms silo key share v1"u8.ToArray();
    private static ReadOnlySpan<byte> TransportLabel => "Orleans.Kms share transport v1"u8;

    private readonly GrainStateSealer _sealer;
    private readonly byte[] _transportSeed = new byte[32];

    /// <summary>Creates the key; the bytes are copied (wipe yours).</summary>
    /// <exception cref="ArgumentException">The key is not 32 bytes.</exception>
    public SiloSealingKey(ReadOnlySpan<byte> key)
    {
        if (key.Length != KeySize)
        {
            throw new ArgumentException($"The silo sealing key must be {KeySize} bytes.", nameof(key));
        }

        _sealer = new GrainStateSealer(key, s_shareLabel);
        HKDF.Expand(HashAlgorithmName.SHA256, key, _transportSeed, TransportLabel);
    }

    /// <summary>Seals a share of <paramref name="grain"/> under this silo's key.</summary>
    public byte[] Seal(ReadOnlySpan<byte> share, GrainId grain) => _sealer.Seal(share, grain, "share");

    /// <summary>Opens a share sealed by <see cref="Seal"/> for the same grain on this silo.</summary>
    /// <exception cref="GrainStateCorruptedException">It was sealed by another silo, for another grain, or altered.</exception>
    public byte[] Open(ReadOnlySpan<byte> sealedShare, GrainId grain) => _sealer.Open(sealedShare, grain, "share");

    /// <summary>The X25519 key pair dealers seal <paramref name="grain"/>'s share to; the same on every activation.</summary>
    public X25519KeyPair TransportKey(GrainId grain)
    {
        Span<byte> ikm = stackalloc byte[32];
        try
        {
            HKDF.Expand(HashAlgorithmName.SHA256, _transportSeed, ikm, Encoding.UTF8.GetBytes(grain.ToString()));
            return HpkeX25519.DeriveKeyPair(ikm);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(ikm);
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _sealer.Dispose();
        CryptographicOperations.ZeroMemory(_transportSeed);
    }
}
