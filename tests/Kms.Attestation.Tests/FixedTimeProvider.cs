namespace Kms.Attestation.Tests;

/// <summary>A clock stopped at one instant, so tests verify inside the validity window of recorded certificates and tokens.</summary>
internal sealed class FixedTimeProvider(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;

    public static FixedTimeProvider At(string iso8601) => new(DateTimeOffset.Parse(iso8601, global::System.Globalization.CultureInfo.InvariantCulture));
}
