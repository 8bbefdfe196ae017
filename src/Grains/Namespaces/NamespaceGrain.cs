using System.Security.Cryptography;
using Kms.Crypto.Certificates;
using Kms.Crypto.Ethereum;
using Kms.Grains.Cluster;
using Kms.Grains.Hosting;
using Kms.Grains.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Kms.Grains.Namespaces;

/// <summary>
/// Implements <see cref="INamespaceGrain"/>. The namespace key of each epoch is evaluated by threshold once and then
/// kept in the (sealed) state; the CA is derived from the key of epoch 0, so it is the same on every silo and across
/// restarts and key rotations. Calls go down only: to the cluster grain and the key-share grains.
/// </summary>
internal sealed partial class NamespaceGrain(
    [PersistentState("namespace", GrainStorageNames.Kms)] IPersistentState<NamespaceGrainState> state,
    IClusterMembershipService membership,
    IOptions<KmsGrainOptions> options,
    OnchainGovernanceDirectory onchain,
    TimeProvider time,
    ILogger<NamespaceGrain> logger) : Grain, INamespaceGrain
{
    private const long CaEpoch = 0;
    private static readonly TimeSpan s_committeeCacheTime = TimeSpan.FromSeconds(5);
    private NamespaceCertificateAuthority? _ca;
    private Committee? _committee;
    private DateTimeOffset _committeeReadAt;
    private PolicyDocumentNamespace? _documents;

    private NamespaceGrainState S => state.State;

    private string Name => this.GetPrimaryKeyString();

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        _ca?.Dispose();
        return Task.CompletedTask;
    }

    public async Task<NamespaceInfo> CreateAsync(NamespaceCreateRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!NamespaceNames.IsValidNamespace(Name))
        {
            throw new KmsException(KmsErrorKind.MalformedInput, "A namespace id is 1 to 128 of A-Z, a-z, 0-9, '.', '_', ':' and '-', starting with a letter or digit.");
        }

        if (S.Exists)
        {
            throw new KmsException(KmsErrorKind.Conflict, $"Namespace '{Name}' already exists.");
        }

        NamespaceGovernanceRules.Validate(Name, request, onchain.IsConfigured);
        NamespaceNames.ValidatePolicy(request.Policy);
        DateTimeOffset now = TruncateToSeconds(time.GetUtcNow());
        byte[] caKey = await EvaluateKeyAsync(CaEpoch, cancellationToken);
        S.NamespaceKeys[CaEpoch] = caKey;
        S.CreatedAt = now;
        _ca = CreateCa();
        S.CaCertificate = _ca.CertificateDer.ToArray();
        S.Governance = request.Governance;
        S.PolicySigners = request.PolicySigners;
        S.Policy = request.Policy;
        S.KeyEpoch = CaEpoch;
        S.Exists = true;
        await state.WriteOrDeactivateAsync(this, cancellationToken);
        LogCreated(logger, Name, request.Admin);
        return Info();
    }

    public Task<NamespaceInfo> GetAsync(CancellationToken cancellationToken)
    {
        RequireExists();
        return Task.FromResult(Info());
    }

    public async Task<NamespaceInfo> SetPolicyAsync(NamespacePolicy policy, string admin, CancellationToken cancellationToken)
    {
        RequireExists();
        NamespaceNames.ValidatePolicy(policy);
        S.Policy = policy;
        await state.WriteOrDeactivateAsync(this, cancellationToken);
        LogPolicySet(logger, Name, admin);
        return Info();
    }

    public async Task<PolicyDocumentRecord> ApplyPolicyDocumentAsync(byte[] envelope, string admin, CancellationToken cancellationToken)
    {
        RequireExists();
        if (S.Governance != NamespaceGovernance.PolicyDocuments)
        {
            throw new KmsException(KmsErrorKind.Conflict, $"Namespace '{Name}' is governed by {S.Governance}, not by policy documents.");
        }

        if (envelope is null)
        {
            throw new KmsException(KmsErrorKind.MalformedInput, "The signed policy envelope is missing.");
        }

        PolicyDocumentRecord record = await Documents().ApplyAsync(envelope, cancellationToken);
        LogPolicyDocumentApplied(logger, Name, record.Serial, admin);
        return record;
    }

    public async Task<MeasurementRecord> AddMeasurementAsync(string identity, string description, string admin, CancellationToken cancellationToken)
    {
        RequireExists();
        RequireIdentity(identity);
        if (description is null || description.Length > 256)
        {
            throw new KmsException(KmsErrorKind.MalformedInput, "A measurement description is at most 256 characters.");
        }

        RequireRoomFor(identity);
        var record = new MeasurementRecord(identity, description, time.GetUtcNow(), admin, null, null);
        S.Measurements[identity] = record;
        await state.WriteOrDeactivateAsync(this, cancellationToken);
        LogMeasurementAdded(logger, Name, identity, admin);
        return record;
    }

    public async Task<MeasurementRecord> RevokeMeasurementAsync(string identity, string admin, CancellationToken cancellationToken)
    {
        RequireExists();
        RequireIdentity(identity);
        if (!S.Measurements.TryGetValue(identity, out MeasurementRecord? record))
        {
            if (S.Governance == NamespaceGovernance.Registry)
            {
                throw new KmsException(KmsErrorKind.NotFound, $"Measurement {identity} is not in the registry of '{Name}'.");
            }

            // Governance admits identities the registry never saw; the brake must hold for them too.
            RequireRoomFor(identity);
            record = new MeasurementRecord(identity, "revoked over governance", time.GetUtcNow(), admin, null, null);
        }

        if (record.RevokedAt is null)
        {
            record = record with { RevokedAt = time.GetUtcNow(), RevokedBy = admin };
            S.Measurements[identity] = record;
            await state.WriteOrDeactivateAsync(this, cancellationToken);
            LogMeasurementRevoked(logger, Name, identity, admin);
        }

        return record;
    }

    public Task<IReadOnlyList<MeasurementRecord>> ListMeasurementsAsync(CancellationToken cancellationToken)
    {
        RequireExists();
        return Task.FromResult<IReadOnlyList<MeasurementRecord>>(S.Measurements.Values.OrderBy(m => m.AddedAt).ToArray());
    }

    public async Task<AuthorizationDecision> AuthorizeAsync(VerifiedWorkload workload, CancellationToken cancellationToken)
    {
        RequireExists();
        return await NamespaceAuthorizer.DecideAsync(S, Admission(), workload, cancellationToken);
    }

    public async Task<ReleaseGrant> GrantReleaseAsync(VerifiedWorkload workload, CancellationToken cancellationToken)
    {
        AuthorizationDecision decision = await AdmitAsync(workload, cancellationToken);
        await RequireQuorumAsync(cancellationToken);
        byte[] key = await KeyOfEpochAsync(S.KeyEpoch, cancellationToken);
        return new ReleaseGrant(decision.Identity, S.KeyEpoch, (byte[])key.Clone(), S.Policy.RequirePostQuantum);
    }

    public async Task<CertificateGrant> GrantCertificateAsync(VerifiedWorkload workload, CancellationToken cancellationToken)
    {
        AuthorizationDecision decision = await AdmitAsync(workload, cancellationToken);
        await RequireQuorumAsync(cancellationToken);
        return new CertificateGrant(decision.Identity, NamespaceCa.DeriveKeyMaterial(Name, S.NamespaceKeys[CaEpoch]), S.CaCertificate, S.CreatedAt);
    }

    public async Task<IssuedCertificateRecord> IssueCertificateAsync(VerifiedWorkload workload, byte[] certificateRequest, CancellationToken cancellationToken)
    {
        AuthorizationDecision decision = await AdmitAsync(workload, cancellationToken);
        await RequireQuorumAsync(cancellationToken);
        ParsedCertificateRequest request = NamespaceCa.ParseRequest(certificateRequest);
        IssuedCertificateRecord issued = NamespaceCa.Issue(_ca ??= CreateCa(), request, decision.Identity, options.Value, time.GetUtcNow());
        LogCertificateIssued(logger, Name, decision.Identity, issued.Serial);
        return issued;
    }

    public async Task<NamespaceInfo> RotateKeyAsync(string admin, CancellationToken cancellationToken)
    {
        RequireExists();
        long next = S.KeyEpoch + 1;
        byte[] key = await EvaluateKeyAsync(next, cancellationToken);
        foreach (long old in S.NamespaceKeys.Keys.Where(e => e != CaEpoch).ToArray())
        {
            CryptographicOperations.ZeroMemory(S.NamespaceKeys[old]);
            S.NamespaceKeys.Remove(old);
        }

        S.NamespaceKeys[next] = key;
        S.KeyEpoch = next;
        await state.WriteOrDeactivateAsync(this, cancellationToken);
        LogRotated(logger, Name, next, admin);
        return Info();
    }

    private async Task<AuthorizationDecision> AdmitAsync(VerifiedWorkload workload, CancellationToken cancellationToken)
    {
        RequireExists();
        AuthorizationDecision decision = await NamespaceAuthorizer.DecideAsync(S, Admission(), workload, cancellationToken);
        if (!decision.Allowed)
        {
            LogDenied(logger, Name, decision.Reason);
            throw new KmsException(KmsErrorKind.PolicyDenied, decision.Reason);
        }

        return decision;
    }

    /// <summary>
    /// Fails closed when fewer than t key-share holders are live silos, although the namespace key is cached: a
    /// minority of the cluster (a partition, or most silos lost) must not go on releasing keys.
    /// </summary>
    private async Task RequireQuorumAsync(CancellationToken cancellationToken)
    {
        DateTimeOffset now = time.GetUtcNow();
        if (_committee is null || now - _committeeReadAt > s_committeeCacheTime)
        {
            _committee = await GrainFactory.GetGrain<IClusterGrain>(IClusterGrain.Key).GetCommitteeAsync(cancellationToken);
            _committeeReadAt = now;
        }

        var live = membership.CurrentSnapshot.Members.Values
            .Where(m => m.Status == SiloStatus.Active)
            .Select(m => m.Name)
            .ToHashSet(StringComparer.Ordinal);
        int holders = _committee.Members.Count(m => live.Contains(m.SiloName));
        if (holders < _committee.Threshold)
        {
            throw new KmsException(
                KmsErrorKind.Unavailable,
                $"Only {holders} of the {_committee.Threshold} key-share holders needed are live; nothing is released.");
        }
    }

    private INamespaceAdmission Admission()
    {
        switch (S.Governance)
        {
            case NamespaceGovernance.PolicyDocuments:
                return new GovernedAdmission(Name, Documents().Governance, MeasurementIdentity.Compute);
            case NamespaceGovernance.Onchain:
                EthereumAddress contract = EthereumAddress.Parse(Name);
                return new GovernedAdmission(Name, onchain.For(Name, contract), workload => ContractIdentity.Compute(workload, contract));
            default:
                return new RegistryAdmission(S.Measurements);
        }
    }

    private PolicyDocumentNamespace Documents() => _documents ??= new PolicyDocumentNamespace(Name, state, time);

    private async Task<byte[]> KeyOfEpochAsync(long epoch, CancellationToken cancellationToken)
    {
        if (S.NamespaceKeys.TryGetValue(epoch, out byte[]? key))
        {
            return key;
        }

        // Only a state written before the key was stored gets here (it is stored with its epoch); evaluate it again.
        key = await EvaluateKeyAsync(epoch, cancellationToken);
        S.NamespaceKeys[epoch] = key;
        await state.WriteOrDeactivateAsync(this, cancellationToken);
        return key;
    }

    private async Task<byte[]> EvaluateKeyAsync(long epoch, CancellationToken cancellationToken)
    {
        Committee committee = await GrainFactory.GetGrain<IClusterGrain>(IClusterGrain.Key).GetCommitteeAsync(cancellationToken);
        return await new NamespaceKeyEvaluator(GrainFactory, options.Value.ShareCallTimeout).EvaluateAsync(committee, Name, epoch, cancellationToken);
    }

    private NamespaceCertificateAuthority CreateCa()
    {
        byte[] material = NamespaceCa.DeriveKeyMaterial(Name, S.NamespaceKeys[CaEpoch]);
        try
        {
            return NamespaceCa.Build(Name, material, S.CreatedAt, S.CaCertificate);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(material);
        }
    }

    private NamespaceInfo Info() => new(
        Name, S.Governance, S.Policy, S.KeyEpoch,
        new string(PemEncoding.Write("CERTIFICATE", S.CaCertificate)) + "\n",
        S.CreatedAt, S.Measurements.Count);

    /// <summary>The registry lives in the namespace state, which every change rewrites: it is bounded.</summary>
    private void RequireRoomFor(string identity)
    {
        int limit = options.Value.MaxMeasurements;
        if (S.Measurements.Count >= limit && !S.Measurements.ContainsKey(identity))
        {
            throw new KmsException(
                KmsErrorKind.Conflict,
                $"The measurement registry of '{Name}' holds its maximum of {limit} entries, revoked ones included (Silo:Grains:MaxMeasurements).");
        }
    }

    private void RequireExists()
    {
        if (!S.Exists)
        {
            throw new KmsException(KmsErrorKind.NotFound, $"Namespace '{Name}' does not exist.");
        }
    }

    private static void RequireIdentity(string identity)
    {
        if (!NamespaceNames.IsValidIdentity(identity))
        {
            throw new KmsException(KmsErrorKind.MalformedInput, "A measurement identity is 64 lowercase hex characters.");
        }
    }

    private static DateTimeOffset TruncateToSeconds(DateTimeOffset value) => DateTimeOffset.FromUnixTimeSeconds(value.ToUnixTimeSeconds());

    [LoggerMessage(EventId = 3201, Level = LogLevel.Information, Message = "Namespace {Namespace} created by admin {Admin}.")]
    private static partial void LogCreated(ILogger logger, string @namespace, string admin);

    [LoggerMessage(EventId = 3202, Level = LogLevel.Information, Message = "Namespace {Namespace}: policy set by admin {Admin}.")]
    private static partial void LogPolicySet(ILogger logger, string @namespace, string admin);

    [LoggerMessage(EventId = 3203, Level = LogLevel.Information, Message = "Namespace {Namespace}: measurement {Identity} added by admin {Admin}.")]
    private static partial void LogMeasurementAdded(ILogger logger, string @namespace, string identity, string admin);

    [LoggerMessage(EventId = 3204, Level = LogLevel.Warning, Message = "Namespace {Namespace}: measurement {Identity} revoked by admin {Admin}.")]
    private static partial void LogMeasurementRevoked(ILogger logger, string @namespace, string identity, string admin);

    [LoggerMessage(EventId = 3205, Level = LogLevel.Information, Message = "Namespace {Namespace}: certificate {Serial} issued to {Identity}.")]
    private static partial void LogCertificateIssued(ILogger logger, string @namespace, string identity, string serial);

    [LoggerMessage(EventId = 3206, Level = LogLevel.Warning, Message = "Namespace {Namespace}: key rotated to epoch {Epoch} by admin {Admin}.")]
    private static partial void LogRotated(ILogger logger, string @namespace, long epoch, string admin);

    [LoggerMessage(EventId = 3207, Level = LogLevel.Information, Message = "Namespace {Namespace}: release refused: {Reason}")]
    private static partial void LogDenied(ILogger logger, string @namespace, string reason);

    [LoggerMessage(EventId = 3208, Level = LogLevel.Warning, Message = "Namespace {Namespace}: policy document serial {Serial} put in force by admin {Admin}.")]
    private static partial void LogPolicyDocumentApplied(ILogger logger, string @namespace, long serial, string admin);
}
