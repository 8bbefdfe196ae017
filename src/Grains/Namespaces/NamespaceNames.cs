using System.Text.RegularExpressions;

namespace Kms.Grains.Namespaces;

/// <summary>What a namespace id, a measurement identity and a policy may look like.</summary>
public static partial class NamespaceNames
{
    /// <summary>The TEE types a policy may name.</summary>
    public static IReadOnlyList<string> TeeTypes { get; } = ["tdx", "sgx", "sev-snp", "azure-sev-snp", "azure-tdx", "dev"];

    /// <summary>See <see cref="KmsNames.IsValidNamespace"/>.</summary>
    public static bool IsValidNamespace(string? name) => KmsNames.IsValidNamespace(name);

    /// <summary>See <see cref="KmsNames.IsValidIdentity"/>.</summary>
    public static bool IsValidIdentity(string? identity) => KmsNames.IsValidIdentity(identity);

    /// <summary>Whether <paramref name="name"/> names an onchain namespace: its contract address, 0x + 40 lowercase hex
    /// (one spelling, so one contract cannot be two namespaces).</summary>
    public static bool IsContractAddress(string? name) => name is not null && ContractPattern().IsMatch(name);

    /// <exception cref="KmsException">The policy names an unknown TEE type or TCB status.</exception>
    internal static void ValidatePolicy(NamespacePolicy? policy)
    {
        if (policy?.TeeTypes is null || policy.TcbStatuses is null || policy.TeeTypes.Count == 0)
        {
            throw new KmsException(KmsErrorKind.MalformedInput, "A policy names at least one TEE type, and its TCB statuses.");
        }

        if (policy.TeeTypes.FirstOrDefault(t => !TeeTypes.Contains(t)) is { } tee)
        {
            throw new KmsException(KmsErrorKind.MalformedInput, $"Unknown TEE type '{Printable(tee)}' (known: {string.Join(", ", TeeTypes)}).");
        }

        // ProxyAttested: what the namespace sees of an instance a trusted attested-TLS proxy vouched for (no TCB known).
        if (policy.TcbStatuses.FirstOrDefault(s => s != Hosting.RegistryFrontEndOptions.ProxyAttestedTcbStatus && !Enum.TryParse<Kms.Attestation.TcbStatus>(s, ignoreCase: false, out _) || int.TryParse(s, out _)) is { } status)
        {
            throw new KmsException(KmsErrorKind.MalformedInput, $"Unknown TCB status '{Printable(status)}'.");
        }
    }

    private static string Printable(string value) => value.Length <= 40 && value.All(c => c is >= ' ' and <= '~') ? value : "(unprintable)";

    [GeneratedRegex("^0x[0-9a-f]{40}$", RegexOptions.CultureInvariant)]
    private static partial Regex ContractPattern();
}
