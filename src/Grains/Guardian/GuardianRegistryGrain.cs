using Kms.Grains.Namespaces;
using Kms.Grains.Storage;
using Microsoft.Extensions.Logging;

namespace Kms.Grains.Guardian;

/// <summary>
/// Implements <see cref="IGuardianRegistryGrain"/>. The namespace grain's measurement registry is the one that decides
/// (admission, revocation, for every front end); this grain keeps only what tee-guardian shows besides the hash: the
/// platform and data of each measurement added through it.
/// </summary>
internal sealed partial class GuardianRegistryGrain(
    [PersistentState("guardian-registry", GrainStorageNames.Kms)] IPersistentState<GuardianRegistryState> state,
    ILogger<GuardianRegistryGrain> logger) : Grain, IGuardianRegistryGrain
{
    /// <summary>What a namespace created by its first measurement admits, until an admin sets its policy through /v1.</summary>
    internal static NamespacePolicy DefaultPolicy { get; } = new(["tdx", "sev-snp", "dev"], false, ["UpToDate", "SWHardeningNeeded"]);

    private const int MaxMeasurements = 4096;

    private string Name => this.GetPrimaryKeyString();

    private INamespaceGrain Namespace => GrainFactory.GetGrain<INamespaceGrain>(Name);

    public async Task<GuardianMeasurementView> AddAsync(GuardianMeasurement measurement, string admin, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(measurement);
        RequireNamespace();
        (string hash, string data) = GuardianMeasurementData.Normalize(measurement.Platform, measurement.DataJson);
        if (!state.State.Measurements.ContainsKey(hash) && state.State.Measurements.Count >= MaxMeasurements)
        {
            throw new KmsException(KmsErrorKind.Conflict, $"The namespace holds {MaxMeasurements} measurement objects; revoke and remove some first.");
        }

        try
        {
            await Namespace.GetAsync(cancellationToken);
        }
        catch (KmsException exception) when (exception.Kind == KmsErrorKind.NotFound)
        {
            await Namespace.CreateAsync(new NamespaceCreateRequest(NamespaceGovernance.Registry, DefaultPolicy, admin), cancellationToken);
        }

        MeasurementRecord record = await Namespace.AddMeasurementAsync(hash, $"tee-guardian {measurement.Platform}", admin, cancellationToken);
        state.State.Measurements[hash] = new GuardianMeasurement(measurement.Platform, data);
        await state.WriteOrDeactivateAsync(this, cancellationToken);
        LogAdded(logger, Name, hash, admin);
        return View(record);
    }

    public async Task<GuardianMeasurementView> GetAsync(string measurementHash, CancellationToken cancellationToken)
    {
        RequireNamespace();
        string hash = RequireHash(measurementHash);
        MeasurementRecord? record = (await ListRecordsAsync(cancellationToken)).FirstOrDefault(m => m.Identity == hash);
        return record is null ? throw new KmsException(KmsErrorKind.NotFound, "Measurement not found") : View(record);
    }

    public async Task<IReadOnlyList<GuardianMeasurementView>> ListAsync(CancellationToken cancellationToken)
    {
        RequireNamespace();
        return (await ListRecordsAsync(cancellationToken)).Select(View).ToArray();
    }

    public async Task<GuardianMeasurementView> RevokeAsync(string measurementHash, string admin, CancellationToken cancellationToken)
    {
        RequireNamespace();
        string hash = RequireHash(measurementHash);
        try
        {
            return View(await Namespace.RevokeMeasurementAsync(hash, admin, cancellationToken));
        }
        catch (KmsException exception) when (exception.Kind == KmsErrorKind.NotFound)
        {
            throw new KmsException(KmsErrorKind.NotFound, "Measurement not found");
        }
    }

    private async Task<IReadOnlyList<MeasurementRecord>> ListRecordsAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await Namespace.ListMeasurementsAsync(cancellationToken);
        }
        catch (KmsException exception) when (exception.Kind == KmsErrorKind.NotFound)
        {
            // tee-guardian's registry knows namespaces only through their measurements: none here.
            return [];
        }
    }

    private GuardianMeasurementView View(MeasurementRecord record)
    {
        state.State.Measurements.TryGetValue(record.Identity, out GuardianMeasurement? measurement);
        return new GuardianMeasurementView(Name, record.Identity, measurement?.Platform, measurement?.DataJson, record.RevokedAt);
    }

    private void RequireNamespace()
    {
        if (!NamespaceNames.IsValidNamespace(Name))
        {
            throw new KmsException(KmsErrorKind.MalformedInput, "A namespace is 1 to 128 of A-Z, a-z, 0-9, '.', '_', ':' and '-', starting with a letter or digit.");
        }
    }

    private static string RequireHash(string? hash) =>
        hash is { Length: 64 } && hash.All(Uri.IsHexDigit)
            ? hash.ToLowerInvariant()
            : throw new KmsException(KmsErrorKind.MalformedInput, "A measurement hash is 64 hex characters.");

    [LoggerMessage(EventId = 4212, Level = LogLevel.Information, Message = "tee-guardian namespace {Namespace}: measurement {Hash} added by admin {Admin}.")]
    private static partial void LogAdded(ILogger logger, string @namespace, string hash, string admin);
}

/// <summary>The measurement objects a namespace's tee-guardian registry shows, by measurement hash.</summary>
[GenerateSerializer, Alias("Kms.Grains.Guardian.GuardianRegistryState")]
public sealed class GuardianRegistryState
{
    /// <summary>Platform and data of each measurement added through tee-guardian's routes.</summary>
    [Id(0)]
    public Dictionary<string, GuardianMeasurement> Measurements { get; set; } = new(StringComparer.Ordinal);
}
