namespace Kms.Governance.Tests;

/// <summary>A clock the test moves by hand (Microsoft.Extensions.TimeProvider.Testing is not on the package feed).</summary>
internal sealed class ManualTimeProvider(DateTimeOffset start) : TimeProvider
{
    private DateTimeOffset _now = start;

    public override DateTimeOffset GetUtcNow() => _now;

    public void Advance(TimeSpan delta) => _now += delta;

    public void SetUtcNow(DateTimeOffset now) => _now = now;
}
