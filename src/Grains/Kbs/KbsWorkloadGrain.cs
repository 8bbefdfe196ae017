using System.Security.Cryptography;
using System.Text.Json;
using Kms.Attestation.Identity;
using Kms.Grains.Namespaces;
using Kms.Grains.Secrets;
using Microsoft.Extensions.Logging;

namespace Kms.Grains.Kbs;

/// <summary>
/// Implements <see cref="IKbsWorkloadGrain"/> over the grains that already own the data: the workload's registry
/// namespace (measurement registry with revocation, policy, key shares) and its namespace secret. It keeps no state.
/// </summary>
internal sealed partial class KbsWorkloadGrain(ILogger<KbsWorkloadGrain> logger) : Grain, IKbsWorkloadGrain
{
    private const int MaxTeeConfigBytes = 64 * 1024;
    private const int SnpMeasurementHexLength = 96;

    /// <summary>What a KBS namespace admits until an admin changes its policy with <c>PUT /v1/namespaces/{ns}/policy</c>.</summary>
    internal static NamespacePolicy DefaultPolicy { get; } = new(["sev-snp", "tdx", "dev"], false, ["UpToDate", "SWHardeningNeeded"]);

    public async Task<KbsWorkloadInfo> RegisterAsync(KbsWorkloadRegistration registration, string admin, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(registration);
        string workloadId = this.GetPrimaryKeyString();
        string ns = KbsNames.Namespace(workloadId);
        string identity = IdentityOf(registration.LaunchMeasurement);
        ValidateTeeConfig(registration.TeeConfig);
        if (registration.Passphrase is not { Length: > 0 and <= SecretLimits.MaxValueBytes })
        {
            throw new KmsException(KmsErrorKind.MalformedInput, $"The passphrase is 1 to {SecretLimits.MaxValueBytes} bytes.");
        }

        INamespaceGrain namespaceGrain = GrainFactory.GetGrain<INamespaceGrain>(ns);
        try
        {
            await namespaceGrain.GetAsync(cancellationToken);
        }
        catch (KmsException exception) when (exception.Kind == KmsErrorKind.NotFound)
        {
            await namespaceGrain.CreateAsync(new NamespaceCreateRequest(NamespaceGovernance.Registry, DefaultPolicy, admin), cancellationToken);
        }

        // The reference replaces the measurement of a workload: the one registered before stops being admitted.
        foreach (MeasurementRecord old in await namespaceGrain.ListMeasurementsAsync(cancellationToken))
        {
            if (old.RevokedAt is null && !string.Equals(old.Identity, identity, StringComparison.Ordinal))
            {
                await namespaceGrain.RevokeMeasurementAsync(old.Identity, admin, cancellationToken);
            }
        }

        await namespaceGrain.AddMeasurementAsync(identity, $"kbs workload {workloadId}", admin, cancellationToken);
        SecretVersionInfo secret = await GrainFactory.GetGrain<INamespaceSecretGrain>(ns + "/" + KbsNames.SecretName)
            .PutAsync(registration.Passphrase, admin, cancellationToken);
        LogRegistered(logger, workloadId, identity, admin);
        return new KbsWorkloadInfo(workloadId, ns, identity, secret.Version);
    }

    /// <summary>A 96-hex SEV-SNP MEASUREMENT admits SHA-256(MEASUREMENT) (tee-guardian's hash with zero HOST_DATA); 64 hex
    /// is a measurement identity as the registry computes it.</summary>
    internal static string IdentityOf(string? launchMeasurement)
    {
        if (launchMeasurement is { Length: SnpMeasurementHexLength } && IsHex(launchMeasurement))
        {
            return Convert.ToHexStringLower(MeasurementIdentitySchemes.TeeGuardianSnp(Convert.FromHexString(launchMeasurement), new byte[32]));
        }

        if (launchMeasurement is { Length: 64 } && IsHex(launchMeasurement))
        {
            return launchMeasurement.ToLowerInvariant();
        }

        throw new KmsException(
            KmsErrorKind.MalformedInput,
            "launch_measurement is an SEV-SNP MEASUREMENT (96 hex characters) or a measurement identity (64 hex characters).");
    }

    private static bool IsHex(string text) => text.All(Uri.IsHexDigit);

    private static void ValidateTeeConfig(string? teeConfig)
    {
        if (string.IsNullOrEmpty(teeConfig))
        {
            return;
        }

        if (teeConfig.Length > MaxTeeConfigBytes)
        {
            throw new KmsException(KmsErrorKind.MalformedInput, $"tee_config is at most {MaxTeeConfigBytes} characters.");
        }

        try
        {
            using JsonDocument _ = JsonDocument.Parse(teeConfig, new JsonDocumentOptions { MaxDepth = 16 });
        }
        catch (JsonException)
        {
            throw new KmsException(KmsErrorKind.MalformedInput, "tee_config is not JSON text.");
        }
    }

    [LoggerMessage(EventId = 4201, Level = LogLevel.Information, Message = "KBS workload {WorkloadId} registered with measurement identity {Identity} by admin {Admin}.")]
    private static partial void LogRegistered(ILogger logger, string workloadId, string identity, string admin);
}
