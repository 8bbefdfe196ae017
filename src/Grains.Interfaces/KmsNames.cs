using System.Text.RegularExpressions;

namespace Kms.Grains;

/// <summary>
/// The shapes of the names that become grain keys: the front end checks them before it addresses a grain, and the
/// grains check them again.
/// </summary>
public static partial class KmsNames
{
    /// <summary>Whether <paramref name="name"/> is a namespace id: 1–128 of [A-Za-z0-9._:-], starting with a letter or
    /// digit (safe in URLs, grain keys and certificate subjects; a contract address <c>0x…</c> qualifies).</summary>
    public static bool IsValidNamespace(string? name) => name is not null && NamespacePattern().IsMatch(name);

    /// <summary>Whether <paramref name="identity"/> is a measurement identity: 64 lowercase hex characters.</summary>
    public static bool IsValidIdentity(string? identity) => identity is not null && IdentityPattern().IsMatch(identity);

    /// <summary>Whether <paramref name="name"/> names a secret or key: 1–64 of [A-Za-z0-9._-].</summary>
    public static bool IsValidName(string? name) => name is not null && NamePattern().IsMatch(name);

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$", RegexOptions.CultureInvariant)]
    private static partial Regex NamespacePattern();

    [GeneratedRegex("^[0-9a-f]{64}$", RegexOptions.CultureInvariant)]
    private static partial Regex IdentityPattern();

    [GeneratedRegex("^[A-Za-z0-9._-]{1,64}$", RegexOptions.CultureInvariant)]
    private static partial Regex NamePattern();
}
