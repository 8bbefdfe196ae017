using System.Security.Cryptography;
using Kms.Crypto.P256;
using Kms.Crypto.Sharing;
using Kms.Grains.Hosting;
using Kms.Grains.KeyShares;
using Kms.Grains.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Kms.Grains.Cluster;

/// <summary>
/// Implements <see cref="IClusterGrain"/>. Every change of the committee is one ETag-checked write after the new
/// holders have confirmed their shares; the epoch counter is written before any share is handed out, so a failed
/// attempt never reuses key-share grains.
/// </summary>
internal sealed partial class ClusterGrain(
    [PersistentState("cluster", GrainStorageNames.Kms)] IPersistentState<ClusterGrainState> state,
    IClusterMembershipService membership,
    IOptions<KmsGrainOptions> options,
    TimeProvider time,
    ILogger<ClusterGrain> logger) : Grain, IClusterGrain, IRemindable
{
    private const string RefreshReminder = "share-refresh";

    private ClusterGrainState S => state.State;

    private CommitteeDealer Dealer => new(GrainFactory, options.Value.ShareCallTimeout);

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (S.Initialized)
        {
            await SyncRefreshReminderAsync();
        }
    }

    public Task<ClusterStatus> GetStatusAsync(CancellationToken cancellationToken) => Task.FromResult(Status());

    public Task<Committee> GetCommitteeAsync(CancellationToken cancellationToken)
    {
        RequireInitialized();
        return Task.FromResult(new Committee(S.Epoch, S.Threshold, S.Members.ToArray(), S.Commitments));
    }

    public Task<IReadOnlyList<AdminKey>> GetAdminsAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<AdminKey>>(S.Admins.ToArray());

    public async Task<ClusterInitResult> InitializeAsync(ClusterInitRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (S.Initialized)
        {
            throw new KmsException(KmsErrorKind.Conflict, "The cluster is already initialized.");
        }

        AdminKeyValidator.Validate(request.Admins);
        IReadOnlyList<string> silos = Committee(request.Silos, request.Threshold);
        byte[] secret = new byte[P256Curve.ScalarSize];
        try
        {
            P256Curve.EncodeScalar(P256Curve.RandomNonZeroScalar(), secret);
            IReadOnlyList<SealedRecoveryShare> recovery = RecoveryShares.Create(secret, request.Admins, request.RecoveryThreshold);
            long epoch = await ReserveEpochAsync(cancellationToken);
            (List<CommitteeMember> members, FeldmanCommitments commitments) =
                await Dealer.DealAsync(secret, silos, request.Threshold, epoch, cancellationToken);
            S.Admins = [.. request.Admins];
            Commit(epoch, request.Threshold, members, commitments);
            await state.WriteOrDeactivateAsync(this, cancellationToken);
            LogInitialized(logger, request.Threshold, members.Count, epoch);
            await SyncRefreshReminderAsync();
            return new ClusterInitResult(Status(), recovery);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(secret);
        }
    }

    public async Task<ClusterStatus> RefreshAsync(CancellationToken cancellationToken)
    {
        RequireInitialized();
        return await ReshareCoreAsync(S.Members.Select(m => m.SiloName).ToArray(), S.Threshold, "refresh", cancellationToken);
    }

    public async Task<ClusterStatus> ReshareAsync(IReadOnlyList<string> silos, int threshold, CancellationToken cancellationToken)
    {
        RequireInitialized();
        return await ReshareCoreAsync(Committee(silos, threshold), threshold, "reshare", cancellationToken);
    }

    public async Task<ClusterStatus> RecoverAsync(ClusterRecoverRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!S.Initialized || request.Admins.Count != 0)
        {
            AdminKeyValidator.Validate(request.Admins);
        }

        IReadOnlyList<string> silos = Committee(request.Silos, request.Threshold);
        byte[] secret = RecoveryShares.Combine(request.Shares);
        try
        {
            if (secret.Length != P256Curve.ScalarSize)
            {
                throw new KmsException(KmsErrorKind.MalformedInput, "The recovery shares do not hold a root key.");
            }

            long epoch = await ReserveEpochAsync(cancellationToken);
            (List<CommitteeMember> members, FeldmanCommitments commitments) =
                await Dealer.DealAsync(secret, silos, request.Threshold, epoch, cancellationToken);
            if (S.Commitments.Length != 0 && !FeldmanCommitments.Decode(S.Commitments).GroupPublicKey.Equals(commitments.GroupPublicKey))
            {
                await Dealer.WipeAsync(members.Select(m => KeyShareGrainKey.Create(m.SiloName, epoch)), cancellationToken);
                throw new KmsException(KmsErrorKind.PolicyDenied, "The recovery shares hold another root key than this cluster's.");
            }

            List<string> replaced = S.Members.Select(m => KeyShareGrainKey.Create(m.SiloName, S.Epoch)).ToList();
            if (request.Admins.Count != 0)
            {
                S.Admins = [.. request.Admins];
            }

            Commit(epoch, request.Threshold, members, commitments);
            S.PendingWipes.AddRange(replaced);
            await state.WriteOrDeactivateAsync(this, cancellationToken);
            LogRecovered(logger, request.Threshold, members.Count, epoch);
            await WipeReplacedAsync(cancellationToken);
            return Status();
        }
        finally
        {
            CryptographicOperations.ZeroMemory(secret);
        }
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName == RefreshReminder && options.Value.ShareRefreshInterval is null)
        {
            if (await this.GetReminder(RefreshReminder) is { } stale)
            {
                await this.UnregisterReminder(stale);
            }
        }
        else if (reminderName == RefreshReminder && S.Initialized)
        {
            try
            {
                await RefreshAsync(CancellationToken.None);
            }
            catch (KmsException exception)
            {
                LogScheduledRefreshFailed(logger, exception.Message);
            }
        }
    }

    private async Task<ClusterStatus> ReshareCoreAsync(IReadOnlyList<string> silos, int threshold, string what, CancellationToken cancellationToken)
    {
        long newEpoch = await ReserveEpochAsync(cancellationToken);
        try
        {
            (List<CommitteeMember> members, FeldmanCommitments commitments) = await new CommitteeResharer(GrainFactory, options.Value.ShareCallTimeout)
                .ReshareAsync(S.Members, S.Epoch, S.Commitments, silos, threshold, newEpoch, cancellationToken);
            List<string> replaced = S.Members.Select(m => KeyShareGrainKey.Create(m.SiloName, S.Epoch)).ToList();
            Commit(newEpoch, threshold, members, commitments);
            S.PendingWipes.AddRange(replaced);
            await state.WriteOrDeactivateAsync(this, cancellationToken);
            LogReshared(logger, what, threshold, members.Count, newEpoch);
        }
        catch (KmsException exception)
        {
            S.LastRefreshError = exception.Message;
            await state.WriteOrDeactivateAsync(this, cancellationToken);
            LogReshareFailed(logger, what, exception.Message);
            throw;
        }

        await WipeReplacedAsync(cancellationToken);
        return Status();
    }

    private async Task<long> ReserveEpochAsync(CancellationToken cancellationToken)
    {
        S.LastUsedEpoch = Math.Max(S.LastUsedEpoch, S.Epoch) + 1;
        await state.WriteOrDeactivateAsync(this, cancellationToken);
        return S.LastUsedEpoch;
    }

    private void Commit(long epoch, int threshold, List<CommitteeMember> members, FeldmanCommitments commitments)
    {
        S.Initialized = true;
        S.Epoch = epoch;
        S.Threshold = threshold;
        S.Members = members;
        S.Commitments = commitments.Encode();
        S.LastRefresh = time.GetUtcNow();
        S.LastRefreshError = null;
    }

    private async Task WipeReplacedAsync(CancellationToken cancellationToken)
    {
        if (S.PendingWipes.Count == 0)
        {
            return;
        }

        List<string> failed = await Dealer.WipeAsync(S.PendingWipes, cancellationToken);
        if (failed.Count != S.PendingWipes.Count)
        {
            S.PendingWipes = failed;
            await state.WriteOrDeactivateAsync(this, cancellationToken);
        }
    }

    private async Task SyncRefreshReminderAsync()
    {
        // Without an interval the silo may run no reminder service at all: a reminder left from an earlier
        // configuration unregisters itself when it next fires.
        if (options.Value.ShareRefreshInterval is { } interval)
        {
            await this.RegisterOrUpdateReminder(RefreshReminder, interval, interval);
        }
    }

    private IReadOnlyList<string> Committee(IReadOnlyList<string>? requested, int threshold)
    {
        string[] live = LiveSilos();
        string[] silos = requested is { Count: > 0 } ? requested.ToArray() : live;
        if (silos.Distinct(StringComparer.Ordinal).Count() != silos.Length)
        {
            throw new KmsException(KmsErrorKind.MalformedInput, "A silo is named twice in the committee.");
        }

        string[] unknown = silos.Except(live, StringComparer.Ordinal).ToArray();
        if (unknown.Length != 0)
        {
            throw new KmsException(KmsErrorKind.MalformedInput, $"Not live silos of this cluster: {string.Join(", ", unknown)}.");
        }

        if (threshold < 1 || threshold > silos.Length || (threshold == 1 && silos.Length > 1))
        {
            throw new KmsException(
                KmsErrorKind.MalformedInput,
                $"The threshold must be between 2 and the {silos.Length} silos of the committee (or 1 of a single silo).");
        }

        return silos.Order(StringComparer.Ordinal).ToArray();
    }

    private string[] LiveSilos() => membership.CurrentSnapshot.Members.Values
        .Where(m => m.Status == SiloStatus.Active)
        .Select(m => m.Name)
        .Order(StringComparer.Ordinal)
        .ToArray();

    private void RequireInitialized()
    {
        if (!S.Initialized)
        {
            throw new KmsException(KmsErrorKind.Unavailable, "The cluster is not initialized: no key can be served yet.");
        }
    }

    private ClusterStatus Status()
    {
        if (!S.Initialized)
        {
            return new ClusterStatus(ClusterState.Uninitialized, 0, 0, [], [], [], [], null, S.LastRefreshError);
        }

        string[] live = LiveSilos();
        string[] unavailable = S.Members.Select(m => m.SiloName).Except(live, StringComparer.Ordinal).ToArray();
        return new ClusterStatus(
            unavailable.Length == 0 ? ClusterState.Active : ClusterState.Degraded,
            S.Epoch,
            S.Threshold,
            S.Members.ToArray(),
            unavailable,
            P256Curve.EncodePoint(FeldmanCommitments.Decode(S.Commitments).GroupPublicKey),
            S.Admins.Select(a => a.Name).ToArray(),
            S.LastRefresh,
            S.LastRefreshError);
    }

    [LoggerMessage(EventId = 3001, Level = LogLevel.Information, Message = "Cluster initialized: {Threshold} of {Holders} holders, epoch {Epoch}.")]
    private static partial void LogInitialized(ILogger logger, int threshold, int holders, long epoch);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Information, Message = "Shares moved ({What}): {Threshold} of {Holders} holders, epoch {Epoch}.")]
    private static partial void LogReshared(ILogger logger, string what, int threshold, int holders, long epoch);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Warning, Message = "Share {What} failed; the current epoch stays in force: {Reason}")]
    private static partial void LogReshareFailed(ILogger logger, string what, string reason);

    [LoggerMessage(EventId = 3004, Level = LogLevel.Warning, Message = "Root key recovered from admin shares: {Threshold} of {Holders} holders, epoch {Epoch}.")]
    private static partial void LogRecovered(ILogger logger, int threshold, int holders, long epoch);

    [LoggerMessage(EventId = 3005, Level = LogLevel.Warning, Message = "Scheduled share refresh failed: {Reason}")]
    private static partial void LogScheduledRefreshFailed(ILogger logger, string reason);
}
