namespace Kms.Grains.Placement;

/// <summary>The key of a silo-bound grain: <c>"&lt;silo name&gt;/&lt;rest&gt;"</c>, e.g. <c>"silo-2/7"</c>.</summary>
public static class SiloBoundKey
{
    /// <summary>The longest silo name a key may carry (the silo options allow 63 characters).</summary>
    public const int MaxSiloNameLength = 63;

    /// <summary>Builds the key of a grain bound to <paramref name="siloName"/>.</summary>
    /// <exception cref="ArgumentException">The silo name is empty, too long or contains <c>/</c>.</exception>
    public static string Create(string siloName, string rest)
    {
        ArgumentException.ThrowIfNullOrEmpty(siloName);
        ArgumentNullException.ThrowIfNull(rest);
        if (siloName.Length > MaxSiloNameLength || siloName.Contains('/', StringComparison.Ordinal))
        {
            throw new ArgumentException(
                $"A silo name in a grain key has 1 to {MaxSiloNameLength} characters and no '/'.", nameof(siloName));
        }

        return siloName + "/" + rest;
    }

    /// <summary>Reads the silo name from a key; <see langword="false"/> when the key names none.</summary>
    public static bool TryGetSiloName(ReadOnlySpan<char> key, out string siloName)
    {
        int slash = key.IndexOf('/');
        if (slash is <= 0 or > MaxSiloNameLength)
        {
            siloName = string.Empty;
            return false;
        }

        siloName = key[..slash].ToString();
        return true;
    }
}
