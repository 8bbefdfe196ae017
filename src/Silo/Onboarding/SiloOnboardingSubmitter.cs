using System.Security.Cryptography;
using Kms.Attestation;
using Kms.Attestation.Providers;
using Kms.Crypto.Release;
using Kms.Grains;
using Kms.Grains.Cluster;
using Kms.Grains.Onboarding;
using Kms.Grains.Release;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Kms.Silo.Onboarding;

/// <summary>
/// Submits this silo's onboarding request once the silo runs (<see cref="SiloOnboardingOptions.SubmitOnStart"/>): the
/// nonce lives in the data directory, so every start presents the same request until it is rejected or expires, when
/// a new nonce makes a new one. Retries while the cluster is uninitialized or unreachable; stops for good when the
/// silo holds a share or the request is refused (the log says why).
/// </summary>
internal sealed partial class SiloOnboardingSubmitter(
    IGrainFactory grains,
    IEvidenceProvider evidence,
    IHostApplicationLifetime lifetime,
    IOptions<KmsSiloOptions> options,
    TimeProvider time,
    ILogger<SiloOnboardingSubmitter> logger) : BackgroundService
{
    /// <summary>The file in the data directory that keeps the nonce of this silo's request.</summary>
    public const string NonceFileName = "onboarding-nonce";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!await SiloStart.WaitAsync(lifetime, stoppingToken))
        {
            return;
        }

        KmsSiloOptions silo = options.Value;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (await TrySubmitAsync(silo, stoppingToken))
                {
                    return;
                }
            }
            catch (KmsException exception) when (exception.Kind != KmsErrorKind.Unavailable)
            {
                LogRefused(logger, exception.Message);
                return;
            }
            catch (Exception exception) when (exception is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                LogRetrying(logger, exception.Message, silo.Onboarding.RetryInterval);
            }

            await Task.Delay(silo.Onboarding.RetryInterval, time, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    /// <returns>Whether nothing is left to do.</returns>
    private async Task<bool> TrySubmitAsync(KmsSiloOptions silo, CancellationToken cancellationToken)
    {
        ClusterStatus cluster = await grains.GetGrain<IClusterGrain>(IClusterGrain.Key).GetStatusAsync(cancellationToken);
        if (cluster.State == ClusterState.Uninitialized)
        {
            LogWaitingForInit(logger, silo.Onboarding.RetryInterval);
            return false;
        }

        if (cluster.Committee.Any(m => m.SiloName == silo.SiloName))
        {
            return true;
        }

        string nonceFile = Path.Combine(silo.DataDirectory!, NonceFileName);
        OnboardingStatus status = await SubmitAsync(silo.SiloName!, LoadOrCreateNonce(nonceFile, fresh: false), cancellationToken);
        if (status.State is OnboardingState.Rejected or OnboardingState.Expired)
        {
            status = await SubmitAsync(silo.SiloName!, LoadOrCreateNonce(nonceFile, fresh: true), cancellationToken);
        }

        LogSubmitted(logger, status.RequestHash, status.State.ToString().ToLowerInvariant(), status.Verdict.Identity);
        return true;
    }

    private async Task<OnboardingStatus> SubmitAsync(string siloName, byte[] nonce, CancellationToken cancellationToken)
    {
        byte[] reportData = OnboardingBinding.ReportData(siloName, nonce);
        byte[] proof;
        try
        {
            proof = await evidence.GetEvidenceAsync(reportData, cancellationToken);
        }
        catch (AttestationException exception)
        {
            throw new KmsException(KmsErrorKind.Unavailable, $"This silo's TEE produced no evidence: {exception.Message}");
        }

        string hash = Convert.ToHexStringLower(OnboardingBinding.RequestHash(siloName, nonce));
        return await grains.GetGrain<IOnboardingRequestGrain>(hash).SubmitAsync(
            new OnboardingRequest(siloName, nonce, new EvidenceSubmission(evidence.EvidenceType, proof)), cancellationToken);
    }

    private static byte[] LoadOrCreateNonce(string path, bool fresh)
    {
        if (!fresh && File.Exists(path) && File.ReadAllBytes(path) is { Length: 32 } kept)
        {
            return kept;
        }

        byte[] nonce = RandomNumberGenerator.GetBytes(32);
        string temporary = path + ".tmp";
        File.WriteAllBytes(temporary, nonce);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(temporary, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        File.Move(temporary, path, overwrite: true);
        return nonce;
    }

    [LoggerMessage(EventId = 1301, Level = LogLevel.Warning, Message = "Onboarding request {Request} of this silo is {State} (identity {Identity}): approve it with POST /v1/onboarding/{Request}/approve (admins) or /approve-onchain.")]
    private static partial void LogSubmitted(ILogger logger, string request, string state, string identity);

    [LoggerMessage(EventId = 1302, Level = LogLevel.Error, Message = "The onboarding request of this silo was refused: {Reason}")]
    private static partial void LogRefused(ILogger logger, string reason);

    [LoggerMessage(EventId = 1303, Level = LogLevel.Information, Message = "The cluster is not initialized yet; this silo asks to join again in {Interval}.")]
    private static partial void LogWaitingForInit(ILogger logger, TimeSpan interval);

    [LoggerMessage(EventId = 1304, Level = LogLevel.Warning, Message = "The onboarding request could not be submitted ({Reason}); retrying in {Interval}.")]
    private static partial void LogRetrying(ILogger logger, string reason, TimeSpan interval);
}
