using System.Globalization;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Kms.Attestation.Dev;
using Kms.Attestation.Providers;
using Kms.Client.Admin;
using Kms.Crypto.Release;
using Kms.Grains.Hosting;
using Kms.Silo.Tests.Providers.Postgres;
using Kms.Tests.Shared;
using Microsoft.Extensions.DependencyInjection;

namespace Kms.Silo.Tests.V1;

/// <summary>
/// The native API on three production silos (mutual TLS, one PostgreSQL store) in this process, over real HTTP:
/// init 2 of 3, the same key through every silo, a fourth silo that asks to join by itself at start-up and is approved,
/// one silo stopped still served, only one holder left answers 503.
/// </summary>
[Collection(PostgresCollection.Name)]
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class ThreeSiloV1Tests(PostgresServer server)
{
    private static readonly string[] s_names = ["silo-a", "silo-b", "silo-c"];

    [RequiresPostgresFact]
    public async Task TwoOfThreeServeTheSameKeyEverywhereAndOneSiloCannotReleaseAlone()
    {
        (_, string connectionString) = await PostgresCollection.CreateDatabaseAsync(server);
        using var directory = new TempDirectory();
        var certificates = new TestClusterCertificates(directory.Combine("tls"));
        byte[] storageKey = RandomNumberGenerator.GetBytes(32);
        using ECDsa devEvidenceKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using ECDsa adminKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var silos = new Dictionary<string, InProcessSilo>();
        try
        {
            async Task<InProcessSilo> StartAsync(string name, params string[] extra)
            {
                string[] args =
                [
                    .. ProductionSiloArguments.Create(directory.Path, certificates, "v1-three", name, 0, storageKey),
                    "--advertised-address", "127.0.0.1", "--store", "Postgres", "--postgres", connectionString, .. extra,
                ];
                args[Array.IndexOf(args, "--silo-port") + 1] = FreePorts.Next().ToString(CultureInfo.InvariantCulture);
                return await InProcessSilo.StartAsync(args, directory.Path, configureSilo: silo =>
                {
                    silo.AddKmsEvidenceVerifier(
                        DevEvidenceVerifier.Create(DevModeAcknowledgement.FromDevFlag(true), devEvidenceKey.ExportSubjectPublicKeyInfo()));
                    silo.Services.AddSingleton<IEvidenceProvider>(new DevEvidenceProvider(
                        ECDsa.Create(devEvidenceKey.ExportParameters(includePrivateParameters: true)),
                        new Dictionary<string, byte[]> { ["rtmr0"] = SHA384.HashData(System.Text.Encoding.ASCII.GetBytes(name)) }));
                });
            }

            foreach (string name in s_names)
            {
                silos[name] = await StartAsync(name);
            }

            JsonElement init = await InitWhenAllJoinedAsync(silos["silo-a"].Client, adminKey);
            Assert.Equal(3, init.GetProperty("status").GetProperty("committee").GetArrayLength());

            using var admin = new HttpClient(new AdminRequestSigningHandler("ops", adminKey) { InnerHandler = new SocketsHttpHandler() })
            {
                BaseAddress = silos["silo-b"].Client.BaseAddress,
            };
            using var workload = new V1TestWorkload(devEvidenceKey);
            await CreateAsync(admin, "apps", workload);

            byte[] throughA = await workload.DeriveAsync(silos["silo-a"].Client, "apps");
            byte[] throughB = await workload.DeriveAsync(silos["silo-b"].Client, "apps");
            byte[] throughC = await workload.DeriveAsync(silos["silo-c"].Client, "apps");
            Assert.Equal(throughA, throughB);
            Assert.Equal(throughA, throughC);

            // A fourth silo asks to join by itself at start-up (its nonce is kept in its data directory); the admin
            // approves, the committee is reshared to include it, and it serves the same key.
            silos["silo-d"] = await StartAsync("silo-d", "--request-onboarding");
            string nonceFile = directory.Combine("silo-d-data", "onboarding-nonce");
            string hash = await PollAsync(async () => File.Exists(nonceFile)
                && await silos["silo-a"].Client.GetAsync($"/v1/onboarding/{RequestHash("silo-d", nonceFile)}") is { IsSuccessStatusCode: true }
                ? RequestHash("silo-d", nonceFile)
                : null);
            JsonElement joined = await V1TestWorkload.ReadAsync(await admin.PostAsync($"/v1/onboarding/{hash}/approve", null), 200);
            Assert.True(joined.GetProperty("state").GetString() == "joined", joined.ToString());
            await WaitForMembersAsync(silos["silo-a"].Client, 4);
            Assert.Equal(throughA, await workload.DeriveAsync(silos["silo-d"].Client, "apps"));

            // One silo down: the threshold absorbs it, for cached and freshly evaluated namespace keys alike.
            await silos["silo-c"].DisposeAsync();
            silos.Remove("silo-c");
            await WaitForMembersAsync(silos["silo-a"].Client, 3);
            Assert.Equal(throughA, await workload.DeriveAsync(silos["silo-a"].Client, "apps"));
            using var later = new V1TestWorkload(devEvidenceKey, image: "app-v2");
            await CreateAsync(admin, "apps-2", later);
            await later.DeriveAsync(silos["silo-b"].Client, "apps-2");

            // Three down: the one left holds a share but not a quorum, and releases nothing.
            foreach (string name in new[] { "silo-b", "silo-d" })
            {
                await silos[name].DisposeAsync();
                silos.Remove(name);
            }

            await WaitForMembersAsync(silos["silo-a"].Client, 1);
            string challenge = await workload.ChallengeAsync(silos["silo-a"].Client, "apps");
            using HttpResponseMessage refused = await silos["silo-a"].Client.PostAsJsonAsync("/v1/namespaces/apps/keys", workload.KeyRequest(challenge));
            JsonElement problem = await V1TestWorkload.ReadAsync(refused, 503);
            Assert.Contains("nothing is released", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }
        finally
        {
            foreach (InProcessSilo silo in silos.Values)
            {
                await silo.DisposeAsync();
            }
        }
    }

    private static async Task CreateAsync(HttpClient admin, string ns, V1TestWorkload workload)
    {
        await V1TestWorkload.ReadAsync(await admin.PutAsJsonAsync($"/v1/namespaces/{ns}", new
        {
            policy = new { teeTypes = new[] { "dev" }, allowDebug = false, tcbStatuses = Array.Empty<string>() },
        }), 201);
        await V1TestWorkload.ReadAsync(await admin.PutAsJsonAsync($"/v1/namespaces/{ns}/measurements/{workload.Identity}", new { description = "test" }), 200);
    }

    /// <summary>Inits 2 of the three named silos, retrying while some have not joined the membership yet (400).</summary>
    private static async Task<JsonElement> InitWhenAllJoinedAsync(HttpClient client, ECDsa adminKey)
    {
        DateTime deadline = DateTime.UtcNow.AddSeconds(60);
        var body = new
        {
            threshold = 2,
            admins = new[] { new { name = "ops", signingKey = Convert.ToBase64String(adminKey.ExportSubjectPublicKeyInfo()), recoveryKey = (string?)null } },
            recoveryThreshold = 0,
            silos = s_names,
        };
        while (true)
        {
            using HttpResponseMessage response = await client.PostAsJsonAsync("/v1/cluster/init", body);
            if (response.IsSuccessStatusCode || DateTime.UtcNow > deadline)
            {
                return await V1TestWorkload.ReadAsync(response, 200);
            }

            await Task.Delay(250);
        }
    }

    private static string RequestHash(string silo, string nonceFile) =>
        Convert.ToHexStringLower(OnboardingBinding.RequestHash(silo, File.ReadAllBytes(nonceFile)));

    private static async Task<T> PollAsync<T>(Func<Task<T?>> attempt)
        where T : class
    {
        DateTime deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            if (await attempt() is { } result)
            {
                return result;
            }

            Assert.True(DateTime.UtcNow < deadline, "Timed out.");
            await Task.Delay(250);
        }
    }

    /// <summary>Waits until the cluster status lists exactly <paramref name="members"/> live committee members; bounded.</summary>
    private static async Task WaitForMembersAsync(HttpClient client, int members)
    {
        DateTime deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            JsonElement status = JsonDocument.Parse(await client.GetStringAsync("/v1/cluster")).RootElement;
            int live = status.GetProperty("committee").GetArrayLength() - status.GetProperty("unavailableMembers").GetArrayLength();
            if (live == members)
            {
                return;
            }

            Assert.True(DateTime.UtcNow < deadline, $"The cluster did not reach {members} live members: {status}");
            await Task.Delay(250);
        }
    }
}
