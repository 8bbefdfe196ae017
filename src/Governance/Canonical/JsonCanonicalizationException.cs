namespace Kms.Governance.Canonical;

/// <summary>Why a JSON text has no RFC 8785 canonical form.</summary>
public enum JsonCanonicalizationError
{
    /// <summary>The text is not JSON (RFC 8259): syntax error, comment, trailing comma, trailing content.</summary>
    MalformedJson,

    /// <summary>An object has two members with the same name (after unescaping); I-JSON forbids that.</summary>
    DuplicateMemberName,

    /// <summary>A string holds a lone surrogate escape or invalid UTF-8.</summary>
    InvalidString,

    /// <summary>A number does not fit an IEEE-754 double (it would overflow to infinity).</summary>
    NumberOutOfRange,

    /// <summary>The value nests deeper than the configured maximum.</summary>
    TooDeep,
}

/// <summary>The input cannot be canonicalized under RFC 8785 (JSON Canonicalization Scheme).</summary>
public sealed class JsonCanonicalizationException : FormatException
{
    /// <summary>Creates the exception.</summary>
    public JsonCanonicalizationException(JsonCanonicalizationError error, string message, Exception? inner = null)
        : base(message, inner)
    {
        Error = error;
    }

    /// <summary>The kind of failure.</summary>
    public JsonCanonicalizationError Error { get; }
}
