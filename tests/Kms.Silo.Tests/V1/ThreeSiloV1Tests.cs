using System.Globalization;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Kms.Attestation.Dev;
using Kms.Client.Admin;
using Kms.Grains.Hosting;
using Kms.Silo.Tests.Providers.Postgres;
using Kms.Tests.Shared;

namespace Kms.Silo.Tests.V1;

/// <summary>
/// The native API on three production silos (mutual TLS, one PostgreSQL store) in this process, over real HTTP:
/// init 2 of 3, the same key through every silo, one silo stopped still served, two stopped answer 503.
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
            foreach (string name in s_names)
            {
                string[] args =
                [
                    .. ProductionSiloArguments.Create(directory.Path, certificates, "v1-three", name, 0, storageKey),
                    "--advertised-address", "127.0.0.1", "--store", "Postgres", "--postgres", connectionString,
                ];
                args[Array.IndexOf(args, "--silo-port") + 1] = FreePorts.Next().ToString(CultureInfo.InvariantCulture);
                silos[name] = await InProcessSilo.StartAsync(args, directory.Path, configureSilo: silo => silo.AddKmsEvidenceVerifier(
                    DevEvidenceVerifier.Create(DevModeAcknowledgement.FromDevFlag(true), devEvidenceKey.ExportSubjectPublicKeyInfo())));
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

            // One silo down: the threshold absorbs it, for cached and freshly evaluated namespace keys alike.
            await silos["silo-c"].DisposeAsync();
            silos.Remove("silo-c");
            await WaitForMembersAsync(silos["silo-a"].Client, 2);
            Assert.Equal(throughA, await workload.DeriveAsync(silos["silo-a"].Client, "apps"));
            using var later = new V1TestWorkload(devEvidenceKey, image: "app-v2");
            await CreateAsync(admin, "apps-2", later);
            await later.DeriveAsync(silos["silo-b"].Client, "apps-2");

            // Two down: the one left holds a share but not a quorum, and releases nothing.
            await silos["silo-b"].DisposeAsync();
            silos.Remove("silo-b");
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
