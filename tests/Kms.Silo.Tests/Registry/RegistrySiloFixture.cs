using System.Security.Cryptography;
using System.Text.Json;
using Kms.Crypto.Ethereum;
using Kms.Governance.Contracts;
using Kms.Governance.Tests.Contracts;

namespace Kms.Silo.Tests.Registry;

/// <summary>
/// A dev silo behind a (pretended) attested-TLS proxy, reading a real anvil node with the KMS governance and an app
/// registry deployed: the registry is an allowed application, anvil account 1 holds ROLE_OPERATOR on it, and the
/// identity of <see cref="RegistryTestWorkload"/> seed 0 has a config mapped. Nothing is set up without foundry.
/// </summary>
public sealed class RegistrySiloFixture : IAsyncLifetime
{
    private readonly TempDirectory _directory = new();
    private InProcessSilo? _silo;

    public AnvilFixture Chain { get; } = new();

    internal InProcessSilo Silo => _silo ?? throw new InvalidOperationException("No silo (foundry missing).");

    public HttpClient Client => Silo.Client;

    public EthereumAddress Registry => Chain.RegistryAddress;

    public string Namespace => Registry.ToLowerHexString();

    /// <summary>This KMS's operator (the deployer, anvil account 0).</summary>
    public static EthereumAddress KmsOperator { get; } = EthereumAddress.FromPrivateKey(AnvilFixture.DevKey0);

    /// <summary>The instance operator (anvil account 1), holder of ROLE_OPERATOR on the registry.</summary>
    public static EthereumAddress InstanceOperator { get; } = EthereumAddress.FromPrivateKey(AnvilFixture.DevKey1);

    public ECDsa DevEvidenceKey { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await Chain.InitializeAsync();
        if (Foundry.MissingReason() is not null)
        {
            return;
        }

        await Chain.Kms().AllowApplicationAsync(Registry);
        await Chain.Registry().GrantRoleAsync(KmsGovernanceContract.RoleOperator, InstanceOperator);
        using (RegistryTestWorkload admitted = RegistryTestWorkload.Proxied(0))
        {
            await Chain.Registry().SetConfigForIdentityAsync(admitted.Identity(Registry), RandomNumberGenerator.GetBytes(32));
        }
        WriteSettings(_directory.Path, Chain.RpcUrl, Chain.KmsAddress, trustProxy: true);
        _silo = await InProcessSilo.StartAsync(workingDirectory: _directory.Path);
        await _silo.WaitForDevClusterAsync();
        DevEvidenceKey = ECDsa.Create();
        DevEvidenceKey.ImportFromPem(File.ReadAllText(Path.Combine(_silo.DataDirectory, KmsSiloOptions.DevEvidenceKeyFileName)));
    }

    /// <summary>Writes the silo settings: the governance node, this KMS's operator and contract, fast polling.</summary>
    internal static void WriteSettings(string directory, string rpcUrl, EthereumAddress kmsContract, bool trustProxy) =>
        File.WriteAllText(Path.Combine(directory, "appsettings.json"), JsonSerializer.Serialize(new
        {
            Silo = new
            {
                Grains = new
                {
                    Governance = new
                    {
                        RpcUrl = rpcUrl,
                        OperatorAddress = KmsOperator.ToLowerHexString(),
                        KmsContract = kmsContract.ToLowerHexString(),
                        Confirmations = 0,
                        PollInterval = "00:00:00.050",
                    },
                    Registry = new { TrustAttestedProxy = trustProxy },
                },
            },
        }));

    public async Task DisposeAsync()
    {
        if (_silo is not null)
        {
            await _silo.DisposeAsync();
        }

        DevEvidenceKey?.Dispose();
        await Chain.DisposeAsync();
        _directory.Dispose();
    }
}
