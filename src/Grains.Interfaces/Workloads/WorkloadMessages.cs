namespace Kms.Grains.Workloads;

/// <summary>A challenge for the second phase of attestation.</summary>
/// <param name="Challenge">32 random bytes the evidence must bind (report data bytes 0–31).</param>
[GenerateSerializer, Immutable, Alias("Kms.Grains.Workloads.IssuedChallenge")]
public sealed record IssuedChallenge([property: Id(0)] byte[] Challenge, [property: Id(1)] DateTimeOffset ExpiresAt);

/// <summary>An attested request presented to the identity: the challenge it answers and who presents it.</summary>
/// <param name="InstanceId">32 bytes the instance chose at boot; one instance id is one live instance.</param>
/// <param name="RecipientKeyHash">SHA-256 of the key the release is sealed to: a second key under the same live
/// instance id is a clone.</param>
/// <param name="Kind">"derived-key", "certificate" or "secret".</param>
/// <param name="Detail">What was released (the key label or certificate serial; never key bytes).</param>
[GenerateSerializer, Immutable, Alias("Kms.Grains.Workloads.AdmissionRequest")]
public sealed record AdmissionRequest(
    [property: Id(0)] byte[] Challenge,
    [property: Id(1)] byte[] InstanceId,
    [property: Id(2)] byte[] RecipientKeyHash,
    [property: Id(3)] string Kind,
    [property: Id(4)] string Detail);

/// <summary>An instance seen under an identity.</summary>
[GenerateSerializer, Immutable, Alias("Kms.Grains.Workloads.InstanceRecord")]
public sealed record InstanceRecord(
    [property: Id(0)] string InstanceId,
    [property: Id(1)] DateTimeOffset FirstSeen,
    [property: Id(2)] DateTimeOffset LastSeen,
    [property: Id(3)] bool CloneSuspected);

/// <summary>A release: when, to which instance, what (never the key).</summary>
[GenerateSerializer, Immutable, Alias("Kms.Grains.Workloads.ReleaseRecord")]
public sealed record ReleaseRecord(
    [property: Id(0)] DateTimeOffset At,
    [property: Id(1)] string InstanceId,
    [property: Id(2)] string Kind,
    [property: Id(3)] string Detail);

/// <summary>An identity's record.</summary>
[GenerateSerializer, Immutable, Alias("Kms.Grains.Workloads.WorkloadIdentityStatus")]
public sealed record WorkloadIdentityStatus(
    [property: Id(0)] string Namespace,
    [property: Id(1)] string Identity,
    [property: Id(2)] DateTimeOffset? RevokedAt,
    [property: Id(3)] IReadOnlyList<InstanceRecord> Instances,
    [property: Id(4)] IReadOnlyList<ReleaseRecord> RecentReleases,
    [property: Id(5)] long Releases);
