using System.Net;
using System.Text;
using Kms.Actors.Runtime;
using Kms.Actors.Transport;

namespace Kms.Actors.Tests;

public sealed class TransportTests
{
    [Fact]
    public async Task MalformedAndHostileRequestsAreRejectedWithoutHarm()
    {
        await using var cluster = await Clusters.StartAsync(silos: 1, silo => silo.Calls.MaxMessageSize = 64 * 1024);
        Silo silo = cluster.Silos[0];
        using var http = new HttpClient { DefaultRequestVersion = HttpVersion.Version20, DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact };
        var uri = new Uri(silo.Address!.ToUri(), SiloTransportClient.CallPath);

        string valid = $$"""{"RequestId":"{{Guid.NewGuid()}}","Interface":"{{typeof(ICounterGrain).FullName}}","Method":"GetAsync","GrainKey":"k","Arguments":"W10=","TimeoutMilliseconds":1000,"FromSilo":false,"ForwardCount":0}""";
        Assert.Equal(HttpStatusCode.OK, await PostAsync(valid));

        string[] hostile =
        [
            "", "{", "null", "[]", "{}", "\"x\"",
            valid.Replace("\"Interface\":", "\"Interface\":null,\"X\":", StringComparison.Ordinal),
            valid.Replace(",\"GrainKey\":\"k\"", "", StringComparison.Ordinal),
            valid.Replace("W10=", "!!!", StringComparison.Ordinal),
            valid.Replace("\"FromSilo\":false", "\"FromSilo\":\"yes\"", StringComparison.Ordinal),
            new string('[', 5000),
        ];
        foreach (string body in hostile)
        {
            Assert.Equal(HttpStatusCode.BadRequest, await PostAsync(body));
        }

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, await PostAsync(new string(' ', 70 * 1024)));

        var random = new Random(7);
        for (int i = 0; i < 200; i++)
        {
            char[] mutated = valid.ToCharArray();
            mutated[random.Next(mutated.Length)] = (char)random.Next(32, 127);
            HttpStatusCode status = await PostAsync(new string(mutated));
            Assert.True(status is HttpStatusCode.OK or HttpStatusCode.BadRequest, $"unexpected {status}");
        }

        // The silo still serves after all that.
        Assert.Equal(1, await cluster.GrainFactory.GetGrain<ICounterGrain>("after-fuzz").IncrementSlowlyAsync());

        async Task<HttpStatusCode> PostAsync(string body)
        {
            using var content = new StringContent(body, Encoding.UTF8, "application/json");
            using HttpResponseMessage response = await http.PostAsync(uri, content);
            return response.StatusCode;
        }
    }

    [Fact]
    public async Task ResponsesToRejectedRequestsSayWhy()
    {
        await using var cluster = await Clusters.StartAsync(silos: 1);
        using var transport = new SiloTransportClient(1 << 20);
        var request = new GrainRequestEnvelope(Guid.NewGuid(), typeof(ICounterGrain).FullName!, "GetAsync", "k", "[]"u8.ToArray(), 0, false, 0);

        var (_, response) = await transport.SendAsync(cluster.Silos[0].Address!, request, default);
        Assert.Equal(GrainResponseStatus.InvalidRequest, response!.Status);

        (_, response) = await transport.SendAsync(cluster.Silos[0].Address!, request with { TimeoutMilliseconds = 1000, ForwardCount = 1 }, default);
        Assert.Equal(GrainResponseStatus.InvalidRequest, response!.Status);

        (_, response) = await transport.SendAsync(cluster.Silos[0].Address!, request with { TimeoutMilliseconds = 1000, Interface = "System.IDisposable" }, default);
        Assert.Equal(GrainResponseStatus.InvalidRequest, response!.Status);
    }

    [Fact]
    public async Task AStoppedSiloIsReportedAsNotDelivered()
    {
        await using var cluster = await Clusters.StartAsync(silos: 1);
        var address = cluster.Silos[0].Address!;
        await cluster.KillSiloAsync(cluster.Silos[0]);
        using var transport = new SiloTransportClient(1 << 20);
        var request = new GrainRequestEnvelope(Guid.NewGuid(), typeof(ICounterGrain).FullName!, "GetAsync", "k", "[]"u8.ToArray(), 1000, false, 0);

        var (outcome, _) = await transport.SendAsync(address, request, default);

        Assert.Equal(SendOutcome.NotDelivered, outcome);
    }
}
