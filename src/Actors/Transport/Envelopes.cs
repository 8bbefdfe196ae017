using System.Text.Json.Serialization;

namespace Kms.Actors.Transport;

/// <summary>A grain call on the wire. The transport accepts nothing else: the interface and method must be
/// registered, and the arguments are decoded only with that method's parameter contracts.</summary>
/// <param name="RequestId">Correlates logs of one call across silos.</param>
/// <param name="Interface">Full name of the grain interface declaring the method.</param>
/// <param name="Method">Method name (grain interfaces have no overloads).</param>
/// <param name="GrainKey">Key of the target grain (the silo derives the grain type from the interface).</param>
/// <param name="Arguments">UTF-8 JSON array of the arguments (base64 inside this JSON envelope).</param>
/// <param name="TimeoutMilliseconds">Remaining time of the caller's deadline; relative, so clock skew between
/// machines does not matter.</param>
/// <param name="FromSilo">True when a silo placed the call here; false from cluster clients (the silo then routes it).</param>
/// <param name="ForwardCount">How many silos already forwarded it.</param>
internal sealed record GrainRequestEnvelope(
    Guid RequestId,
    string Interface,
    string Method,
    string GrainKey,
    byte[] Arguments,
    int TimeoutMilliseconds,
    bool FromSilo,
    int ForwardCount);

/// <summary>Outcome class of a call.</summary>
internal enum GrainResponseStatus
{
    /// <summary>Completed; <see cref="GrainResponseEnvelope.Result"/> holds the result JSON (or null).</summary>
    Ok,
    /// <summary>The grain threw; type name and message only.</summary>
    Error,
    /// <summary>The call timed out at the silo.</summary>
    Timeout,
    /// <summary>The call did not run (silo not active, pinned silo down, forward limit): the caller may retry elsewhere.</summary>
    Unavailable,
    /// <summary>The request was malformed or named an unknown interface or method.</summary>
    InvalidRequest,
}

/// <summary>The answer to a <see cref="GrainRequestEnvelope"/>.</summary>
internal sealed record GrainResponseEnvelope(
    Guid RequestId,
    GrainResponseStatus Status,
    byte[]? Result,
    string? ExceptionType,
    string? Message);

/// <summary>The closed set of types the silo transport (de)serializes.</summary>
[JsonSourceGenerationOptions(UseStringEnumConverter = true,
    RespectNullableAnnotations = true, RespectRequiredConstructorParameters = true, MaxDepth = 16)]
[JsonSerializable(typeof(GrainRequestEnvelope))]
[JsonSerializable(typeof(GrainResponseEnvelope))]
internal sealed partial class TransportJsonContext : JsonSerializerContext;
