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

    /// <summary>
    /// The self-check of a silo-bound grain, for its <c>OnActivateAsync</c>: placement puts it on the silo its key
    /// names, and this refuses an activation that got anywhere else (another placement, a migration, a name clash).
    /// </summary>
    /// <exception cref="InvalidOperationException">The key names no silo, or another silo than
    /// <paramref name="localSiloName"/>.</exception>
    public static void EnsureHostedBy(GrainId grain, string localSiloName)
    {
        ArgumentException.ThrowIfNullOrEmpty(localSiloName);
        if (!TryGetSiloName(grain.Key.ToString(), out string owner))
        {
            throw new InvalidOperationException($"Grain {grain} is silo-bound, but its key does not start with '<silo name>/'.");
        }

        if (!string.Equals(owner, localSiloName, StringComparison.Ordinal))
        {
            throw new InvalidOperationException(
                $"Grain {grain} is bound to silo '{owner}' and refuses to activate on silo '{localSiloName}'.");
        }
    }
}
