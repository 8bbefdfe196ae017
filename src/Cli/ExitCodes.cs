namespace Kms.Cli;

/// <summary>The exit codes of <c>kms</c> (docs/cli.md and <c>kms --help</c>).</summary>
internal static class ExitCodes
{
    /// <summary>Done.</summary>
    public const int Ok = 0;

    /// <summary>Refused: the KMS answered 4xx (bad input, unauthenticated, policy says no, not found, conflict), or a
    /// local check failed (a policy document that does not verify).</summary>
    public const int Refused = 1;

    /// <summary>Usage: bad arguments, or a local file that is missing or malformed.</summary>
    public const int Usage = 2;

    /// <summary>Unavailable: no silo reachable, a timeout, a 5xx answer, or an answer that cannot be used.</summary>
    public const int Unavailable = 3;

    /// <summary>The text <c>kms --help</c> shows.</summary>
    public const string Help = "Exit codes: 0 ok; 1 refused by the KMS (4xx) or a local check failed; 2 usage or a bad local file; "
        + "3 KMS unavailable (unreachable, timeout, 5xx) or its answer unusable.";
}

/// <summary>A bad argument or local file: exit code <see cref="ExitCodes.Usage"/>.</summary>
internal sealed class CliUsageException(string message) : Exception(message);
