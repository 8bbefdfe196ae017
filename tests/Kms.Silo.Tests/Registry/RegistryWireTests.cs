using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using Kms.Governance.Tests.Contracts;

namespace Kms.Silo.Tests.Registry;

/// <summary>The Go registry routes at the wire: golden raw requests over a socket, and hostile requests.</summary>
public sealed partial class RegistryApiTests
{
    [RequiresAnvilFact]
    public async Task GoldenRequests_OverARawSocket_GetTheGoldenResponses()
    {
        using RegistryTestWorkload workload = RegistryTestWorkload.Proxied(0);
        string csr = Encoding.ASCII.GetString(workload.Csr(RegistryTestWorkload.AppCommonName(fixture.Registry), workload.CastOperatorSignature(AnvilFixture.DevKey1)));
        string contract = Convert.ToHexStringLower(fixture.Registry.Bytes);

        (int status, Dictionary<string, string> headers, string body) = await RawAsync("secrets-request.http", contract, csr);
        Assert.True(status == 200, body);
        Assert.Equal("application/json", headers["content-type"]);
        using var response = new HttpResponseMessage((System.Net.HttpStatusCode)status) { Content = new StringContent(body) };
        response.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(headers["content-type"]);
        await GoldenResponse.AssertMatchesAsync(response, "secrets-200");

        (status, headers, body) = await RawAsync("pki-request.http", contract, string.Empty);
        using var pki = new HttpResponseMessage((System.Net.HttpStatusCode)status) { Content = new StringContent(body) };
        pki.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(headers["content-type"]);
        await GoldenResponse.AssertMatchesAsync(pki, "pki-200");

        (status, headers, body) = await RawAsync("secrets-request.http", contract, string.Empty);
        Assert.Equal(400, status);
        Assert.Equal("text/plain; charset=utf-8", headers["content-type"]);
        Assert.Equal("nosniff", headers["x-content-type-options"]);
        Assert.Equal("Empty CSR in request body\n", body);
    }

    private async Task<(int Status, Dictionary<string, string> Headers, string Body)> RawAsync(string golden, string contract, string body)
    {
        string template = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Registry", "Golden", golden));
        Uri baseAddress = fixture.Client.BaseAddress!;
        string request = template
            .Replace("{contract}", contract, StringComparison.Ordinal)
            .Replace("{host}", baseAddress.Authority, StringComparison.Ordinal)
            .Replace("{length}", Encoding.ASCII.GetByteCount(body).ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("{body}", body, StringComparison.Ordinal);
        using var tcp = new System.Net.Sockets.TcpClient();
        await tcp.ConnectAsync(baseAddress.Host, baseAddress.Port);
        await using System.Net.Sockets.NetworkStream stream = tcp.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request));
        using var buffer = new MemoryStream();
        await stream.CopyToAsync(buffer).WaitAsync(TimeSpan.FromSeconds(30));
        string raw = Encoding.UTF8.GetString(buffer.ToArray());
        int split = raw.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        string[] head = raw[..split].Split("\r\n");
        var headers = head.Skip(1).Select(l => l.Split(": ", 2)).ToDictionary(p => p[0].ToLowerInvariant(), p => p[1]);
        string content = raw[(split + 4)..];
        Assert.False(headers.ContainsKey("transfer-encoding"), "the answer carries its Content-Length");
        return (int.Parse(head[0].Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture), headers, content);
    }

    [RequiresAnvilFact]
    public async Task HostileRequests_NeverCrashTheFrontEnd()
    {
        using RegistryTestWorkload workload = RegistryTestWorkload.Proxied(0);
        byte[] csr = workload.Csr(RegistryTestWorkload.AppCommonName(fixture.Registry), workload.CastOperatorSignature(AnvilFixture.DevKey1));
        string header = workload.MeasurementHeader;
        var random = new Random(12);
        for (int i = 0; i < 150; i++)
        {
            byte[] body = Mutate(csr, random);
            // Header values travel as printable ASCII; anything else is refused by the HTTP stacks before the front end.
            string measurements = new(Mutate(Encoding.ASCII.GetBytes(header), random).Select(b => b is >= 0x20 and <= 0x7e ? (char)b : (char)(0x20 + (b % 0x5f))).ToArray());
            string path = random.Next(4) == 0 ? Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(random.Next(0, 30))) : fixture.Namespace;
            using var request = new HttpRequestMessage(HttpMethod.Post, Secrets + Uri.EscapeDataString(path)) { Content = new ByteArrayContent(body) };
            request.Headers.TryAddWithoutValidation("X-Flashbots-Attestation-Type", random.Next(3) == 0 ? "azure-tdx" : "qemu-tdx");
            request.Headers.TryAddWithoutValidation("X-Flashbots-Measurement", measurements);
            using HttpResponseMessage response = await fixture.Client.SendAsync(request);
            Assert.Contains((int)response.StatusCode, new[] { 200, 400, 401 });
            Assert.EndsWith("\n", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        using var huge = new HttpRequestMessage(HttpMethod.Post, Secrets + fixture.Namespace) { Content = new ByteArrayContent(new byte[200 * 1024]) };
        using HttpResponseMessage tooLarge = await fixture.Client.SendAsync(huge);
        Assert.Equal(400, (int)tooLarge.StatusCode);
        Assert.Equal("Failed to read request body\n", await tooLarge.Content.ReadAsStringAsync());
    }

    private static byte[] Mutate(byte[] input, Random random)
    {
        byte[] copy = (byte[])input.Clone();
        switch (random.Next(4))
        {
            case 0:
                return copy;
            case 1:
                for (int k = 0; k < 1 + random.Next(8); k++)
                {
                    copy[random.Next(copy.Length)] = (byte)random.Next(256);
                }

                return copy;
            case 2:
                return copy[..random.Next(copy.Length)];
            default:
                byte[] noise = new byte[random.Next(1, 512)];
                random.NextBytes(noise);
                return noise;
        }
    }

}
