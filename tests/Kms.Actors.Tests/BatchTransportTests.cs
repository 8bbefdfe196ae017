using System.Buffers.Binary;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Kms.Actors.Runtime;
using Kms.Actors.Transport;

namespace Kms.Actors.Tests;

/// <summary>The batch route: several calls in one HTTP/2 request, answers streamed back as calls complete.</summary>
public sealed class BatchTransportTests
{
    [Fact]
    public async Task MalformedBatchesAreRejectedAndRunNothing()
    {
        await using var cluster = await Clusters.StartAsync(silos: 1, silo => silo.Calls.MaxMessageSize = 64 * 1024);
        using var http = NewHttpClient();
        var uri = new Uri(cluster.Silos[0].Address!.ToUri(), SiloTransportClient.BatchPath);
        byte[] increment = Frame(Request("untouched", "IncrementSlowlyAsync", "[]"));

        byte[][] hostile =
        [
            [0, 0, 0],
            [0, 0, 0, 0],
            [0xFF, 0xFF, 0xFF, 0xFF, 1],
            [.. increment, 0, 0, 0, 9, 1, 2],
            [.. increment, .. Frame("{"u8.ToArray())],
            [.. increment, .. Frame("null"u8.ToArray())],
            [.. increment, .. Frame(Encoding.UTF8.GetBytes(new string('[', 3000)))],
            [.. Enumerable.Repeat(increment, BatchFraming.MaxCallsPerBatch + 1).SelectMany(frame => frame)],
        ];
        foreach (byte[] body in hostile)
        {
            Assert.Equal(HttpStatusCode.BadRequest, await PostAsync(http, uri, body));
        }

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, await PostAsync(http, uri, new byte[70 * 1024]));

        var random = new Random(11);
        byte[] valid = [.. Frame(Request("fuzz", "GetAsync", "[]")), .. Frame(Request("fuzz", "GetAsync", "[]"))];
        for (int i = 0; i < 200; i++)
        {
            byte[] mutated = (byte[])valid.Clone();
            mutated[random.Next(mutated.Length)] = (byte)random.Next(256);
            HttpStatusCode status = await PostAsync(http, uri, mutated[..random.Next(1, mutated.Length + 1)]);
            Assert.True(status is HttpStatusCode.OK or HttpStatusCode.BadRequest, $"unexpected {status}");
        }

        // No frame of a rejected batch ran, and the silo still serves.
        Assert.Equal(0, await cluster.GrainFactory.GetGrain<ICounterGrain>("untouched").GetAsync());
    }

    [Fact]
    public async Task EachCallOfABatchIsAnsweredWhenItCompletes()
    {
        await using var cluster = await Clusters.StartAsync(silos: 1);
        using var http = NewHttpClient();
        var uri = new Uri(cluster.Silos[0].Address!.ToUri(), SiloTransportClient.BatchPath);
        byte[] slow = Request("slow", "DelayAsync", "[1500]");
        byte[] fast = Request("fast", "GetAsync", "[]");
        Guid fastId = JsonSerializer.Deserialize(fast, TransportJsonContext.Default.GrainRequestEnvelope)!.RequestId;
        Guid slowId = JsonSerializer.Deserialize(slow, TransportJsonContext.Default.GrainRequestEnvelope)!.RequestId;

        using var content = new ByteArrayContent([.. Frame(slow), .. Frame(fast)]);
        using HttpResponseMessage response = await http.PostAsync(uri, content);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await using Stream stream = await response.Content.ReadAsStreamAsync();

        GrainResponseEnvelope first = await ReadFrameAsync(stream);
        GrainResponseEnvelope second = await ReadFrameAsync(stream);
        Assert.Equal(fastId, first.RequestId);
        Assert.Equal(GrainResponseStatus.Ok, first.Status);
        Assert.Equal(slowId, second.RequestId);
        Assert.Equal(GrainResponseStatus.Ok, second.Status);
        Assert.Equal(0, await stream.ReadAsync(new byte[1]));
    }

    [Fact]
    public async Task ConcurrentCallsToOneSiloEachGetTheirOwnAnswer()
    {
        await using var cluster = await Clusters.StartAsync(silos: 1);
        using var transport = new SiloTransportClient(1 << 20);
        var requests = Enumerable.Range(0, 600).Select(i => new GrainRequestEnvelope(Guid.NewGuid(), typeof(ICounterGrain).FullName!,
            "ThrowAsync", $"k{i % 20}", Encoding.UTF8.GetBytes($"[\"boom {i}\"]"), 5000, false, 0)).ToArray();

        var answers = await Task.WhenAll(requests.Select(request => transport.SendAsync(cluster.Silos[0].Address!, request, default)));

        for (int i = 0; i < requests.Length; i++)
        {
            Assert.Equal(SendOutcome.Responded, answers[i].Outcome);
            Assert.Equal(requests[i].RequestId, answers[i].Response!.RequestId);
            Assert.Equal(GrainResponseStatus.Error, answers[i].Response!.Status);
            Assert.Contains($"boom {i}", answers[i].Response!.Message);
        }
    }

    [Fact]
    public async Task BatchesLargerThanTheSilosLimitAreSplitNotFailed()
    {
        await using var cluster = await Clusters.StartAsync(silos: 1, silo => silo.Calls.MaxMessageSize = 2048);
        using var transport = new SiloTransportClient(1 << 20);
        var requests = Enumerable.Range(0, 200).Select(i => new GrainRequestEnvelope(Guid.NewGuid(), typeof(ICounterGrain).FullName!,
            "GetAsync", $"split-{i}", "[]"u8.ToArray(), 5000, false, 0)).ToArray();

        var answers = await Task.WhenAll(requests.Select(request => transport.SendAsync(cluster.Silos[0].Address!, request, default)));

        Assert.All(answers, answer => Assert.Equal(GrainResponseStatus.Ok, answer.Response!.Status));
    }

    [Fact]
    public async Task OversizedCallsAreNotSent()
    {
        await using var cluster = await Clusters.StartAsync(silos: 1);
        using var transport = new SiloTransportClient(1024);
        var request = new GrainRequestEnvelope(Guid.NewGuid(), typeof(ICounterGrain).FullName!, "ThrowAsync", "big",
            Encoding.UTF8.GetBytes($"[\"{new string('x', 2000)}\"]"), 5000, false, 0);

        await Assert.ThrowsAsync<SiloUnavailableException>(() => transport.SendAsync(cluster.Silos[0].Address!, request, default));
    }

    private static HttpClient NewHttpClient()
        => new() { DefaultRequestVersion = HttpVersion.Version20, DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact };

    private static byte[] Request(string key, string method, string argumentsJson)
        => JsonSerializer.SerializeToUtf8Bytes(new GrainRequestEnvelope(Guid.NewGuid(), typeof(ICounterGrain).FullName!, method, key,
            Encoding.UTF8.GetBytes(argumentsJson), 5000, false, 0), TransportJsonContext.Default.GrainRequestEnvelope);

    private static byte[] Frame(byte[] envelope)
    {
        byte[] frame = new byte[BatchFraming.PrefixLength + envelope.Length];
        BinaryPrimitives.WriteInt32BigEndian(frame, envelope.Length);
        envelope.CopyTo(frame, BatchFraming.PrefixLength);
        return frame;
    }

    private static async Task<HttpStatusCode> PostAsync(HttpClient http, Uri uri, byte[] body)
    {
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        using HttpResponseMessage response = await http.PostAsync(uri, content);
        return response.StatusCode;
    }

    private static async Task<GrainResponseEnvelope> ReadFrameAsync(Stream stream)
    {
        byte[] prefix = new byte[BatchFraming.PrefixLength];
        await stream.ReadExactlyAsync(prefix);
        byte[] body = new byte[BinaryPrimitives.ReadInt32BigEndian(prefix)];
        await stream.ReadExactlyAsync(body);
        return JsonSerializer.Deserialize(body, TransportJsonContext.Default.GrainResponseEnvelope)!;
    }
}
