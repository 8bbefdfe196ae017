namespace Kms.Actors;

/// <summary>A grain call failed on another silo (or behind a client gateway) with an exception of type
/// <see cref="RemoteExceptionType"/>. Only the type name and message cross process boundaries: no stack traces,
/// no inner objects.</summary>
public sealed class GrainCallException : Exception
{
    /// <summary>Creates the exception.</summary>
    public GrainCallException(string remoteExceptionType, string message)
        : base($"{remoteExceptionType}: {message}")
    {
        RemoteExceptionType = remoteExceptionType;
        RemoteMessage = message;
    }

    /// <summary>Full type name of the exception thrown by the grain.</summary>
    public string RemoteExceptionType { get; }

    /// <summary>Message of the exception thrown by the grain.</summary>
    public string RemoteMessage { get; }
}

/// <summary>A grain call did not complete within the call timeout (see <c>GrainCallOptions.ResponseTimeout</c>).
/// The call may or may not have run.</summary>
public sealed class GrainCallTimeoutException(string message) : TimeoutException(message);

/// <summary>The silo needed for a call is not available (not Active, shutting down, unreachable), or no silo is.
/// A call that fails this way did not run.</summary>
public sealed class SiloUnavailableException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>Grain interfaces or grain classes are not usable (unsupported return types, types missing from the
/// registered JSON contexts, overloads...). Thrown at silo or client startup, listing every problem.</summary>
public sealed class GrainInterfaceValidationException(IReadOnlyList<string> problems)
    : Exception("Grain registrations are invalid:" + Environment.NewLine + "  " + string.Join(Environment.NewLine + "  ", problems))
{
    /// <summary>One line per problem, naming the interface method or class.</summary>
    public IReadOnlyList<string> Problems { get; } = problems;
}
