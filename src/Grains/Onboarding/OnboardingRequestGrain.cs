using System.Security.Cryptography;
using Kms.Crypto.Ethereum;
using Kms.Crypto.Release;
using Kms.Grains.Cluster;
using Kms.Grains.Hosting;
using Kms.Grains.Namespaces;
using Kms.Grains.Release;
using Kms.Grains.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Kms.Grains.Onboarding;

/// <summary>
/// Implements <see cref="IOnboardingRequestGrain"/>. The evidence is checked by the local release worker against the
/// report data the request hash implies; approvals are counted against the admins the cluster grain holds (a majority
/// of them, each once) or the KMS governance contract approves; the approval that reaches the majority asks the cluster
/// grain to reshare to the current committee plus the silo. A request not approved within its lifetime expires. Calls go
/// down only: this grain → cluster grain → key-share grains.
/// </summary>
internal sealed partial class OnboardingRequestGrain(
    [PersistentState("onboarding", GrainStorageNames.Kms)] IPersistentState<OnboardingRequestState> state,
    IClusterMembershipService membership,
    OnchainOnboardingApprovals onchain,
    IOptions<KmsGrainOptions> options,
    TimeProvider time,
    ILogger<OnboardingRequestGrain> logger) : Grain, IOnboardingRequestGrain
{
    private OnboardingRequestState S => state.State;

    private string Key => this.GetPrimaryKeyString();

    private IClusterGrain Cluster => GrainFactory.GetGrain<IClusterGrain>(IClusterGrain.Key);

    public async Task<OnboardingStatus> SubmitAsync(OnboardingRequest request, CancellationToken cancellationToken)
    {
        byte[] reportData = ValidateRequest(request);
        ClusterStatus? cluster = null;
        if (S.Verdict is null)
        {
            cluster = await Cluster.GetStatusAsync(cancellationToken);
            if (cluster.State == ClusterState.Uninitialized)
            {
                throw new KmsException(KmsErrorKind.Unavailable, "The cluster is not initialized: there is no committee to join.");
            }

            if (cluster.Committee.Any(m => m.SiloName == request.SiloName))
            {
                throw new KmsException(KmsErrorKind.Conflict, $"Silo {request.SiloName} already holds a share of the root key.");
            }
        }

        // Verified on every submission: a repeated one answers with the recorded status only if its evidence holds too.
        VerifiedWorkload verdict = await GrainFactory.GetGrain<IReleaseWorkerGrain>(0).VerifyAsync(request.Evidence, reportData, cancellationToken);
        if (cluster is null)
        {
            return Status();
        }

        DateTimeOffset now = time.GetUtcNow();
        S.SiloName = request.SiloName;
        S.Verdict = verdict;
        S.SubmittedAt = now;
        S.UpdatedAt = now;
        S.State = OnboardingState.Pending;
        S.ApprovalsRequired = Majority(cluster.Admins.Count);
        S.EvidenceHash = SHA256.HashData(request.Evidence.Evidence);
        await state.WriteOrDeactivateAsync(this, cancellationToken);
        LogSubmitted(logger, Key, S.SiloName, verdict.Tee, verdict.Identity, verdict.TcbStatus);
        return Status();
    }

    public async Task<OnboardingStatus> ApproveAsync(string admin, CancellationToken cancellationToken)
    {
        RequireRecorded();
        string[] admins = await RequireAdminAsync(admin, cancellationToken);
        if (S.State == OnboardingState.Joined)
        {
            return Status();
        }

        await RequireOpenAsync(cancellationToken);

        bool added = !S.Approvals.Any(a => a.Admin == admin);
        if (added)
        {
            S.Approvals.Add(new OnboardingApproval(admin, time.GetUtcNow()));
        }

        int required = Majority(admins.Length);
        int counted = S.Approvals.Count(a => admins.Contains(a.Admin, StringComparer.Ordinal));
        if (S.State == OnboardingState.Pending && counted < required)
        {
            if (!added && required == S.ApprovalsRequired)
            {
                return Status();
            }

            S.ApprovalsRequired = required;
            await WriteAsync(cancellationToken);
            LogApproved(logger, Key, admin, counted, S.ApprovalsRequired);
            return Status();
        }

        // Reached the majority now, or earlier (a failed reshare, or one interrupted before its outcome was written).
        S.ApprovalsRequired = required;
        LogApproved(logger, Key, admin, counted, S.ApprovalsRequired);
        return await ReshareAsync(cancellationToken);
    }

    public async Task<OnboardingStatus> ApproveOnchainAsync(byte[] onchainRequestHash, CancellationToken cancellationToken)
    {
        RequireRecorded();
        if (S.State == OnboardingState.Joined)
        {
            return Status();
        }

        await RequireOpenAsync(cancellationToken);
        EthereumAddress @operator = await onchain.ApproveAsync(onchainRequestHash, Key, S.EvidenceHash, S.Verdict!, cancellationToken);
        string approver = "onchain:" + @operator.ToLowerHexString();
        if (!S.Approvals.Any(a => a.Admin == approver))
        {
            S.Approvals.Add(new OnboardingApproval(approver, time.GetUtcNow()));
        }

        LogApprovedOnchain(logger, Key, @operator.ToLowerHexString(), Convert.ToHexStringLower(onchainRequestHash));
        return await ReshareAsync(cancellationToken);
    }

    public async Task<OnboardingStatus> RejectAsync(string admin, CancellationToken cancellationToken)
    {
        RequireRecorded();
        await RequireAdminAsync(admin, cancellationToken);
        switch (S.State)
        {
            case OnboardingState.Rejected:
                return Status();
            case OnboardingState.Joined or OnboardingState.Resharing:
                throw new KmsException(
                    KmsErrorKind.Conflict,
                    $"The request of silo {S.SiloName} was approved ({S.State.ToString().ToLowerInvariant()}); remove the silo with a reshare that leaves it out (POST /v1/cluster/reshare).");
        }

        S.State = OnboardingState.Rejected;
        S.RejectedBy = admin;
        await WriteAsync(cancellationToken);
        LogRejected(logger, Key, S.SiloName, admin);
        return Status();
    }

    public Task<OnboardingStatus> GetStatusAsync(CancellationToken cancellationToken)
    {
        RequireRecorded();
        return Task.FromResult(Status());
    }

    /// <summary>Marks the committee as resharing, reshares and records the outcome.</summary>
    private async Task<OnboardingStatus> ReshareAsync(CancellationToken cancellationToken)
    {
        S.State = OnboardingState.Resharing;
        S.Reason = null;
        await WriteAsync(cancellationToken);
        await JoinAsync(cancellationToken);
        await WriteAsync(cancellationToken);
        return Status();
    }

    /// <summary>Refuses approvals of a rejected or expired request (an expiry seen first is written).</summary>
    private async Task RequireOpenAsync(CancellationToken cancellationToken)
    {
        if (S.State == OnboardingState.Rejected)
        {
            throw new KmsException(KmsErrorKind.Conflict, $"The request was rejected by {S.RejectedBy}; the silo must submit a new one.");
        }

        if (IsExpired())
        {
            if (S.State != OnboardingState.Expired)
            {
                S.State = OnboardingState.Expired;
                await WriteAsync(cancellationToken);
                LogExpired(logger, Key, S.SiloName);
            }

            throw new KmsException(KmsErrorKind.Conflict, $"The request expired (not approved within {options.Value.OnboardingRequestLifetime}); the silo must submit a new one.");
        }
    }

    /// <summary>Whether a request still waiting for approval (pending, or failed and retried) has outlived its lifetime.</summary>
    private bool IsExpired() =>
        S.State == OnboardingState.Expired
        || (S.State is OnboardingState.Pending or OnboardingState.Failed && time.GetUtcNow() - S.SubmittedAt > options.Value.OnboardingRequestLifetime);

    /// <summary>Moves the committee to the current holders plus the silo; records the outcome in state (not written).</summary>
    private async Task JoinAsync(CancellationToken cancellationToken)
    {
        try
        {
            Committee committee = await Cluster.GetCommitteeAsync(cancellationToken);
            if (committee.Members.Any(m => m.SiloName == S.SiloName))
            {
                Joined(committee.Epoch);
                return;
            }

            if (!IsLiveMember(S.SiloName))
            {
                Failed($"Silo {S.SiloName} is not a live member of the cluster: start it (it joins the membership over the cluster's TLS) and approve again.");
                return;
            }

            // The threshold stays; a single holder's t = 1 becomes 2, the least a committee of several allows.
            string[] silos = [.. committee.Members.Select(m => m.SiloName), S.SiloName];
            ClusterStatus status = await Cluster.ReshareAsync(silos, Math.Max(committee.Threshold, 2), cancellationToken);
            Joined(status.Epoch);
        }
        catch (KmsException exception)
        {
            Failed(exception.Message);
        }
        catch (Exception exception) when (exception is TimeoutException or OrleansException)
        {
            // The reshare may still have completed; the next approval finds the silo in the committee if it did.
            Failed($"The cluster did not complete the reshare ({exception.GetType().Name}); approve again to retry.");
        }
    }

    private void Joined(long epoch)
    {
        S.State = OnboardingState.Joined;
        S.JoinedEpoch = epoch;
        LogJoined(logger, Key, S.SiloName, epoch);
    }

    private void Failed(string reason)
    {
        S.State = OnboardingState.Failed;
        S.Reason = reason;
        LogFailed(logger, Key, S.SiloName, reason);
    }

    private bool IsLiveMember(string silo) =>
        membership.CurrentSnapshot.Members.Values.Any(m => m.Status == SiloStatus.Active && m.Name == silo);

    private byte[] ValidateRequest(OnboardingRequest request)
    {
        if (request is not { SiloName: not null, Nonce: not null, Evidence: not null })
        {
            throw new KmsException(KmsErrorKind.MalformedInput, "An onboarding request names the silo, a 32-byte nonce and evidence.");
        }

        byte[] hash;
        try
        {
            hash = OnboardingBinding.RequestHash(request.SiloName, request.Nonce);
        }
        catch (ArgumentException exception)
        {
            throw new KmsException(KmsErrorKind.MalformedInput, exception.Message);
        }

        if (!string.Equals(Convert.ToHexStringLower(hash), Key, StringComparison.Ordinal))
        {
            throw new KmsException(KmsErrorKind.MalformedInput, "The request hash does not match the silo name and nonce of the request.");
        }

        return OnboardingBinding.ReportData(request.SiloName, request.Nonce);
    }

    private void RequireRecorded()
    {
        if (S.Verdict is null)
        {
            throw new KmsException(KmsErrorKind.NotFound, $"There is no onboarding request {Key}.");
        }
    }

    /// <returns>The names of the registered admins.</returns>
    private async Task<string[]> RequireAdminAsync(string admin, CancellationToken cancellationToken)
    {
        string[] admins = (await Cluster.GetAdminsAsync(cancellationToken)).Select(a => a.Name).ToArray();
        if (!admins.Contains(admin, StringComparer.Ordinal))
        {
            throw new KmsException(KmsErrorKind.PolicyDenied, "Only a registered admin may approve or reject an onboarding request.");
        }

        return admins;
    }

    private static int Majority(int admins) => admins / 2 + 1;

    private Task WriteAsync(CancellationToken cancellationToken)
    {
        S.UpdatedAt = time.GetUtcNow();
        return state.WriteOrDeactivateAsync(this, cancellationToken);
    }

    private OnboardingStatus Status() => new(
        Key,
        S.SiloName,
        IsExpired() ? OnboardingState.Expired : S.State,
        S.Verdict!,
        S.SubmittedAt,
        S.Approvals.ToArray(),
        S.ApprovalsRequired,
        S.RejectedBy,
        S.JoinedEpoch,
        S.Reason,
        S.UpdatedAt);

    [LoggerMessage(EventId = 3501, Level = LogLevel.Information, Message = "Onboarding request {Request} from silo {Silo}: {Tee} evidence, identity {Identity}, TCB {TcbStatus}.")]
    private static partial void LogSubmitted(ILogger logger, string request, string silo, string tee, string identity, string tcbStatus);

    [LoggerMessage(EventId = 3502, Level = LogLevel.Information, Message = "Onboarding request {Request} approved by {Admin} ({Approvals} of {Required}).")]
    private static partial void LogApproved(ILogger logger, string request, string admin, int approvals, int required);

    [LoggerMessage(EventId = 3503, Level = LogLevel.Warning, Message = "Silo {Silo} joined the committee in epoch {Epoch} (onboarding request {Request}).")]
    private static partial void LogJoined(ILogger logger, string request, string silo, long epoch);

    [LoggerMessage(EventId = 3504, Level = LogLevel.Warning, Message = "Onboarding request {Request} of silo {Silo}: the reshare failed: {Reason}")]
    private static partial void LogFailed(ILogger logger, string request, string silo, string reason);

    [LoggerMessage(EventId = 3505, Level = LogLevel.Information, Message = "Onboarding request {Request} of silo {Silo} rejected by {Admin}.")]
    private static partial void LogRejected(ILogger logger, string request, string silo, string admin);

    [LoggerMessage(EventId = 3506, Level = LogLevel.Information, Message = "Onboarding request {Request} approved onchain by operator {Operator} (KMS contract record {OnchainRequest}).")]
    private static partial void LogApprovedOnchain(ILogger logger, string request, string @operator, string onchainRequest);

    [LoggerMessage(EventId = 3507, Level = LogLevel.Information, Message = "Onboarding request {Request} of silo {Silo} expired without approval.")]
    private static partial void LogExpired(ILogger logger, string request, string silo);
}
