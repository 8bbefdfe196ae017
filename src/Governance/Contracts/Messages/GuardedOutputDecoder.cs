using Kms.Governance.Abi;
using Nethereum.ABI.FunctionEncoding;
using Nethereum.ABI.FunctionEncoding.Attributes;

namespace Kms.Governance.Contracts.Messages;

/// <summary>
/// Decodes a node's return data into a Nethereum <c>[FunctionOutput]</c> DTO only after three checks: a size cap,
/// a bounded strict walk of the data (<see cref="AbiDecoder"/>), and, after Nethereum decoded it, Nethereum's own
/// re-encoding of the DTO must equal the data byte for byte (the canonical-form check the RLP layer also uses).
/// </summary>
// Ours on top of Nethereum's ParameterDecoder (6.1.0, measured): it accepts a bool of 2, an address with dirty high
// bytes, dirty padding, trailing bytes, 1-byte data for a bool and invalid UTF-8, throws NullReferenceException on
// empty data, and a 96-byte reply declaring a bytes32[] of 2^31-1 elements made it allocate until the OOM killer
// ended the process — so the bounded walk runs first and nothing it rejects reaches Nethereum.
internal static class GuardedOutputDecoder
{
    private static readonly ParameterDecoder s_decoder = new();
    private static readonly ParametersEncoder s_encoder = new();

    /// <summary>Decodes <paramref name="data"/> as the outputs of <paramref name="descriptor"/> into <typeparamref name="TOutput"/>.</summary>
    /// <exception cref="AbiDecodingException">The data is too large, malformed or not in canonical form.</exception>
    public static TOutput Decode<TOutput>(AbiFunction descriptor, byte[] data, int maxBytes)
        where TOutput : class, IFunctionOutputDTO, new()
    {
        ArgumentNullException.ThrowIfNull(descriptor);
        ArgumentNullException.ThrowIfNull(data);
        if (data.Length > maxBytes)
        {
            throw new AbiDecodingException($"{descriptor.Signature} returned {data.Length} bytes, more than the {maxBytes} allowed.");
        }

        // Bounded (allocation ≤ 4 × input), rejects lengths and offsets outside the data and non-canonical words.
        AbiDecoder.Decode(descriptor.Outputs, data);

        TOutput output;
        byte[] reencoded;
        try
        {
            output = (TOutput)s_decoder.DecodeAttributes(data, typeof(TOutput));
            reencoded = s_encoder.EncodeParametersFromTypeAttributes(typeof(TOutput), output);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException and not AbiDecodingException)
        {
            throw new AbiDecodingException($"{descriptor.Signature} returned data Nethereum cannot decode: {ex.GetType().Name}.");
        }

        if (!reencoded.AsSpan().SequenceEqual(data))
        {
            throw new AbiDecodingException($"{descriptor.Signature} returned data that is not the canonical encoding of its value.");
        }

        return output;
    }
}
