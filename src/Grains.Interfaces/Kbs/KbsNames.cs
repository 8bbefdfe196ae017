using System.Text.RegularExpressions;

namespace Kms.Grains.Kbs;

/// <summary>Where a KBS workload lives: the registry namespace <c>kbs.&lt;workload_id&gt;</c> and its secret "passphrase".</summary>
public static partial class KbsNames
{
    /// <summary>The prefix of KBS workload namespaces.</summary>
    public const string NamespacePrefix = "kbs.";

    /// <summary>The name of the workload secret in its namespace.</summary>
    public const string SecretName = "passphrase";

    /// <summary>The <c>tee-pubkey.alg</c> and sealing scheme of a post-quantum (X-Wing HPKE) TEE key.</summary>
    public const string XWingAlg = "hpke-xwing";

    /// <summary>Whether <paramref name="workloadId"/> is 1–124 of [A-Za-z0-9._:-], starting with a letter or digit.</summary>
    public static bool IsValidWorkloadId(string? workloadId) => workloadId is not null && WorkloadIdPattern().IsMatch(workloadId);

    /// <summary>The namespace of <paramref name="workloadId"/>.</summary>
    /// <exception cref="KmsException">The id is malformed (<see cref="KmsErrorKind.MalformedInput"/>).</exception>
    public static string Namespace(string workloadId) => IsValidWorkloadId(workloadId)
        ? NamespacePrefix + workloadId
        : throw new KmsException(KmsErrorKind.MalformedInput, "A workload_id is 1 to 124 of A-Z, a-z, 0-9, '.', '_', ':' and '-', starting with a letter or digit.");

    /// <summary>Whether <paramref name="sessionId"/> is a session id: 32 lowercase hex characters.</summary>
    public static bool IsValidSessionId(string? sessionId) => sessionId is not null && SessionIdPattern().IsMatch(sessionId);

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._:-]{0,123}$", RegexOptions.CultureInvariant)]
    private static partial Regex WorkloadIdPattern();

    [GeneratedRegex("^[0-9a-f]{32}$", RegexOptions.CultureInvariant)]
    private static partial Regex SessionIdPattern();
}
