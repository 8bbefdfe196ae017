using Kms.Actors.Membership;

namespace Kms.Actors.Hosting;

/// <summary>The local silo's status, for health endpoints (<c>/readyz</c> is ready when <see cref="IsActive"/>).</summary>
public interface ISiloStatus
{
    /// <summary>The silo's status as it acts on it (<see cref="SiloStatus.None"/> before start).</summary>
    SiloStatus Status { get; }

    /// <summary>Whether the silo is Active: joined and serving grains.</summary>
    bool IsActive { get; }

    /// <summary>The silo's transport address once started (with the actual port).</summary>
    SiloAddress? Address { get; }
}
