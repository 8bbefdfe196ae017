using Kms.Crypto.P256;
using BigInteger = Org.BouncyCastle.Math.BigInteger;
using ECPoint = Org.BouncyCastle.Math.EC.ECPoint;

namespace Kms.Crypto.Oprf;

/// <summary>A client's blinded input: the input, its secret blind r and the blinded element r·HashToGroup(input).</summary>
public sealed record BlindedInput
{
    internal BlindedInput(byte[] input, BigInteger blind, ECPoint blindedElement)
    {
        Input = input;
        Blind = blind;
        BlindedElement = blindedElement;
    }

    /// <summary>The private input.</summary>
    public byte[] Input { get; }

    /// <summary>The element sent to the server.</summary>
    public ECPoint BlindedElement { get; }

    internal BigInteger Blind { get; }

    /// <summary>Describes the blinded element only (the input and blind stay private).</summary>
    public override string ToString() => $"BlindedInput {{ BlindedElement = {Convert.ToHexStringLower(P256Curve.EncodePoint(BlindedElement))} }}";
}

/// <summary>RFC 9497 client (Blind / Finalize) for P256-SHA256 in OPRF or VOPRF mode.</summary>
public sealed class OprfClient
{
    private readonly OprfSuite _suite;

    /// <summary>Creates a client for the given suite (mode).</summary>
    public OprfClient(OprfSuite suite)
    {
        ArgumentNullException.ThrowIfNull(suite);
        _suite = suite;
    }

    /// <summary>Blind(input) with a blind from the CSPRNG.</summary>
    public BlindedInput Blind(ReadOnlySpan<byte> input) => Blind(input, P256Curve.RandomNonZeroScalar());

    /// <summary>Blind(input) with a caller-chosen 32-byte blind: deterministic, for test vectors only.</summary>
    /// <exception cref="CryptographicFormatException">The blind is not a valid non-zero scalar.</exception>
    public BlindedInput Blind(ReadOnlySpan<byte> input, ReadOnlySpan<byte> blind) => Blind(input, P256Curve.DecodeScalar(blind));

    /// <summary>OPRF-mode Finalize: unblinds the evaluated element and hashes.</summary>
    public byte[] Finalize(BlindedInput blinded, ECPoint evaluatedElement)
    {
        ArgumentNullException.ThrowIfNull(blinded);
        ArgumentNullException.ThrowIfNull(evaluatedElement);
        if (evaluatedElement.IsInfinity)
        {
            throw new OprfException(OprfError.Verify, "The evaluated element is the identity.");
        }

        ECPoint unblinded = P256Curve.Multiply(evaluatedElement, blinded.Blind.ModInverse(P256Curve.Order));
        return OprfSuite.FinalizeHash(blinded.Input, unblinded);
    }

    /// <summary>VOPRF-mode Finalize for a batch: verifies the proof against pkS, then finalizes each element.</summary>
    /// <exception cref="OprfException">The proof does not verify (VerifyError).</exception>
    public byte[][] Finalize(IReadOnlyList<BlindedInput> blinded, IReadOnlyList<ECPoint> evaluatedElements, DleqProof proof, ECPoint serverPublicKey)
    {
        ArgumentNullException.ThrowIfNull(blinded);
        ArgumentNullException.ThrowIfNull(evaluatedElements);
        if (_suite.Mode != OprfMode.Voprf)
        {
            throw new InvalidOperationException("Proof verification belongs to the VOPRF mode.");
        }

        if (blinded.Count != evaluatedElements.Count)
        {
            throw new ArgumentException("Each blinded input needs one evaluated element.", nameof(evaluatedElements));
        }

        ECPoint[] blindedElements = blinded.Select(b => b.BlindedElement).ToArray();
        if (!Dleq.VerifyProof(_suite, P256Curve.Generator, serverPublicKey, blindedElements, evaluatedElements, proof))
        {
            throw new OprfException(OprfError.Verify, "The server's proof does not verify.");
        }

        return blinded.Select((b, i) => Finalize(b, evaluatedElements[i])).ToArray();
    }

    private BlindedInput Blind(ReadOnlySpan<byte> input, BigInteger blind)
    {
        OprfSuite.CheckInputLength(input);
        ECPoint inputElement = _suite.HashToGroup(input);
        return new BlindedInput(input.ToArray(), blind, P256Curve.Multiply(inputElement, blind));
    }
}
