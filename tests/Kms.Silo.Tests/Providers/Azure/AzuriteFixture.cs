using Kms.Tests.Shared;

namespace Kms.Silo.Tests.Providers.Azure;

[CollectionDefinition(Name)]
public sealed class AzuriteCollection : ICollectionFixture<AzuriteFixture>
{
    public const string Name = "Azurite";
}

/// <summary>
/// One Azurite for the collection, and one silo that the storage contract tests share (started on first use).
/// Outside CI without node/azurite it starts nothing: the tests skip through <see cref="RequiresAzuriteFactAttribute"/>.
/// </summary>
public sealed class AzuriteFixture : IAsyncLifetime
{
    private static readonly TimeSpan s_startTimeout = TimeSpan.FromMinutes(2);

    private readonly SemaphoreSlim _siloGate = new(1, 1);
    private AzuriteServer? _server;
    private RunningHost? _storageSilo;

    internal AzuriteServer Server => _server ?? throw new InvalidOperationException("Azurite was not started: " + AzuriteServer.MissingReason);

    public async Task InitializeAsync()
    {
        if (!FoundryTools.IsCi && AzuriteServer.MissingReason is not null)
        {
            return;
        }

        using var timeout = new CancellationTokenSource(s_startTimeout);
        _server = await AzuriteServer.StartAsync(timeout.Token);
    }

    /// <summary>The silo whose grain storage the contract tests use.</summary>
    internal async Task<RunningHost> GetStorageSiloAsync()
    {
        await _siloGate.WaitAsync();
        try
        {
            using var timeout = new CancellationTokenSource(s_startTimeout);
            return _storageSilo ??= await AzureTestCluster.StartSiloAsync(
                Server, AzureTestCluster.NewClusterIdentity(), "storage-silo", timeout.Token);
        }
        finally
        {
            _siloGate.Release();
        }
    }

    public async Task DisposeAsync()
    {
        if (_storageSilo is not null)
        {
            await _storageSilo.DisposeAsync();
        }

        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        _siloGate.Dispose();
    }
}
