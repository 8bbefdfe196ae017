namespace Kms.Crypto.Oprf;

/// <summary>RFC 9497 protocol modes supported here (POPRF is not implemented).</summary>
public enum OprfMode : byte
{
    /// <summary>Base OPRF (mode 0x00).</summary>
    Oprf = 0x00,

    /// <summary>Verifiable OPRF with a DLEQ proof against the server's public key (mode 0x01).</summary>
    Voprf = 0x01,
}
