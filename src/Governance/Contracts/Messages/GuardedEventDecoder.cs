using System.Reflection;
using Kms.Governance.Abi;
using Kms.Governance.JsonRpc;
using Nethereum.ABI.FunctionEncoding;
using Nethereum.ABI.FunctionEncoding.Attributes;
using Nethereum.ABI.Model;
using Nethereum.Contracts;

namespace Kms.Governance.Contracts.Messages;

/// <summary>
/// Decodes a log into a Nethereum <c>[Event]</c> DTO only after the same checks as <see cref="GuardedOutputDecoder"/>:
/// a size cap, the bounded strict walk of topics and data (<see cref="AbiEvent.Decode"/>), and Nethereum's
/// re-encoding of what it decoded must equal the log's data and topics byte for byte.
/// </summary>
// Ours on top of Nethereum's EventTopicDecoder: it shares ParameterDecoder's lax, unbounded decoding (see
// GuardedOutputDecoder) and does not check the number of topics against the indexed parameters.
internal static class GuardedEventDecoder<TEvent>
    where TEvent : class, IEventDTO, new()
{
    private static readonly EventTopicDecoder s_decoder = new();
    private static readonly ParametersEncoder s_encoder = new();
    private static readonly Lazy<(EventABI Abi, AbiEvent Descriptor, (Parameter Parameter, PropertyInfo Property)[] Parameters)> s_metadata = new(Resolve);

    /// <summary>The <see cref="GovernanceAbi"/> descriptor of the same signature.</summary>
    public static AbiEvent Descriptor => s_metadata.Value.Descriptor;

    /// <summary>Decodes <paramref name="log"/>, whose topic0 must be this event's.</summary>
    /// <exception cref="AbiDecodingException">The log is too large, malformed or not in canonical form.</exception>
    public static TEvent Decode(EthLog log, int maxBytes)
    {
        ArgumentNullException.ThrowIfNull(log);
        (EventABI abi, AbiEvent descriptor, (Parameter Parameter, PropertyInfo Property)[] parameters) = s_metadata.Value;
        if (log.Data.Length > maxBytes)
        {
            throw new AbiDecodingException($"A {descriptor.Signature} log has {log.Data.Length} bytes of data, more than the {maxBytes} allowed.");
        }

        descriptor.Decode(log.Topics, log.Data);

        try
        {
            TEvent decoded = s_decoder.DecodeTopics<TEvent>(log.Topics.Select(t => (object)HexConvert.ToHex(t)).ToArray(), HexConvert.ToHex(log.Data));
            var nonIndexed = parameters.Where(p => !p.Parameter.Indexed).ToArray();
            byte[] data = s_encoder.EncodeParameters(nonIndexed.Select(p => p.Parameter).ToArray(), nonIndexed.Select(p => p.Property.GetValue(decoded)).ToArray());
            bool canonical = data.AsSpan().SequenceEqual(log.Data);
            int topic = 1;
            foreach ((Parameter parameter, PropertyInfo property) in parameters.Where(p => p.Parameter.Indexed))
            {
                canonical &= parameter.ABIType.Encode(property.GetValue(decoded)).AsSpan().SequenceEqual(log.Topics[topic++]);
            }

            return canonical ? decoded : throw new AbiDecodingException($"A {descriptor.Signature} log is not the canonical encoding of its values.");
        }
        catch (Exception ex) when (ex is not OutOfMemoryException and not AbiDecodingException)
        {
            throw new AbiDecodingException($"A {descriptor.Signature} log cannot be decoded by Nethereum: {ex.GetType().Name}.");
        }
    }

    private static (EventABI, AbiEvent, (Parameter, PropertyInfo)[]) Resolve()
    {
        EventABI abi = ABITypedRegistry.GetEvent<TEvent>();
        AbiEvent descriptor = GovernanceAbi.Events.SingleOrDefault(e => e.Signature == abi.Signature)
            ?? throw new InvalidOperationException($"{typeof(TEvent).Name} ({abi.Signature}) has no GovernanceAbi descriptor.");
        Dictionary<int, PropertyInfo> properties = PropertiesExtractor.GetPropertiesWithParameterAttribute(typeof(TEvent))
            .ToDictionary(p => p.GetCustomAttribute<ParameterAttribute>()!.Order);
        return (abi, descriptor, abi.InputParameters.OrderBy(p => p.Order).Select(p => (p, properties[p.Order])).ToArray());
    }
}
