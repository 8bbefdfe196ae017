using Kms.Attestation.ProxyHeaders;

namespace Kms.Attestation.Tests.ProxyHeaders;

public sealed class FlashbotsMeasurementHeadersTests
{
    private static readonly TrustedProxyOptions s_on = new() { TrustAttestedProxy = true };

    private static string Hex(int bytes, byte fill) => Convert.ToHexStringLower(Enumerable.Repeat(fill, bytes).ToArray());

    private static string QemuJson(bool withRtmr3 = true) =>
        $"{{\"0\":\"{Hex(48, 0xa0)}\",\"1\":\"{Hex(48, 0x01)}\",\"2\":\"{Hex(48, 0x02)}\",\"3\":\"{Hex(48, 0x03)}\"" +
        (withRtmr3 ? $",\"4\":\"{Hex(48, 0x04)}\"}}" : "}");

    [Fact]
    public void Parses_qemu_tdx_as_mrtd_and_rtmrs()
    {
        ProxyMeasurements m = FlashbotsMeasurementHeaders.Parse("qemu-tdx", QemuJson(), s_on);
        Assert.Equal("qemu-tdx", m.AttestationType);
        Assert.Equal(Enumerable.Repeat((byte)0xa0, 48), m.MrTd!.Value.ToArray());
        Assert.Equal(4, m.Rtmrs.Count);
        Assert.Equal(Enumerable.Repeat((byte)0x02, 48), m.Rtmrs[1].ToArray());
        Assert.Equal(3, FlashbotsMeasurementHeaders.Parse("qemu-tdx", QemuJson(withRtmr3: false), s_on).Rtmrs.Count);
    }

    [Fact]
    public void Parses_azure_tdx_as_pcrs()
    {
        string json = $"{{\"4\":\"{Hex(32, 4)}\",\"9\":\"{Hex(32, 9)}\",\"11\":\"{Hex(32, 11)}\"}}";
        ProxyMeasurements m = FlashbotsMeasurementHeaders.Parse("azure-tdx", json, s_on);
        Assert.Equal([4, 9, 11], m.Pcrs.Keys.Order());
        Assert.Equal(Enumerable.Repeat((byte)11, 32), m.Pcrs[11].ToArray());
    }

    [Fact]
    public void Refuses_when_the_proxy_is_not_trusted()
    {
        AttestationException e = Assert.Throws<AttestationException>(() => FlashbotsMeasurementHeaders.Parse("qemu-tdx", QemuJson(), new TrustedProxyOptions()));
        Assert.Equal(AttestationFailureKind.PolicyViolation, e.Kind);
    }

    [Theory]
    [InlineData("dummy", AttestationFailureKind.UnsupportedVersion)]
    [InlineData("QEMU-TDX", AttestationFailureKind.UnsupportedVersion)]
    [InlineData("gcp-tdx", AttestationFailureKind.UnsupportedVersion)]
    public void Refuses_other_attestation_types(string type, AttestationFailureKind kind)
    {
        AttestationException e = Assert.Throws<AttestationException>(() => FlashbotsMeasurementHeaders.Parse(type, QemuJson(), s_on));
        Assert.Equal(kind, e.Kind);
    }

    [Fact]
    public void Header_text_is_not_echoed_into_errors()
    {
        // Error messages reach logs and 400 responses: a client's header must not inject lines or kilobytes there.
        string hostile = "qemu\r\nX-Injected: 1" + new string('x', 10_000);
        AttestationException e = Assert.Throws<AttestationException>(() => FlashbotsMeasurementHeaders.Parse(hostile, "{}", s_on));
        Assert.DoesNotContain("X-Injected", e.Message, StringComparison.Ordinal);
        Assert.True(e.Message.Length < 200, e.Message.Length.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void Refuses_malformed_measurement_json()
    {
        string rtmr = Hex(48, 1);
        foreach (string bad in new[]
        {
            "", "[]", "null", "{", "{\"0\":1}",
            $"{{\"1\":\"{rtmr}\",\"2\":\"{rtmr}\",\"3\":\"{rtmr}\"}}",                           // no MRTD
            $"{{\"0\":\"{rtmr}\",\"1\":\"{rtmr}\",\"2\":\"{rtmr}\"}}",                           // no RTMR2
            QemuJson().Replace("\"4\":", "\"5\":", StringComparison.Ordinal),                    // index out of range
            QemuJson().Replace("\"1\":", "\"01\":", StringComparison.Ordinal),                   // non-canonical index
            QemuJson().Replace("\"1\":", "\"\\u0000\":", StringComparison.Ordinal),              // old proxy's rune key
            QemuJson().Replace("\"4\":", "\"3\":", StringComparison.Ordinal),                    // duplicate key
            QemuJson().Replace(Hex(48, 0xa0), Hex(48, 0xa0).ToUpperInvariant(), StringComparison.Ordinal), // uppercase hex
            QemuJson().Replace(Hex(48, 0x02), Hex(32, 0x02), StringComparison.Ordinal),          // wrong length
            QemuJson().Replace(Hex(48, 0x02), "0x" + Hex(47, 0x02), StringComparison.Ordinal),   // 0x prefix
            "{\"0\":{\"a\":1}}",
            new string('{', 5000),
        })
        {
            AttestationException e = Assert.Throws<AttestationException>(() => FlashbotsMeasurementHeaders.Parse("qemu-tdx", bad, s_on));
            Assert.Equal(AttestationFailureKind.Malformed, e.Kind);
        }

        Assert.Equal(AttestationFailureKind.Malformed, Assert.Throws<AttestationException>(() => FlashbotsMeasurementHeaders.Parse("azure-tdx", "{}", s_on)).Kind);
        Assert.Equal(AttestationFailureKind.Malformed, Assert.Throws<AttestationException>(() => FlashbotsMeasurementHeaders.Parse("azure-tdx", $"{{\"24\":\"{Hex(32, 1)}\"}}", s_on)).Kind);
        Assert.Equal(AttestationFailureKind.Malformed, Assert.Throws<AttestationException>(() => FlashbotsMeasurementHeaders.Parse("qemu-tdx", null, s_on)).Kind);
    }

    [Fact]
    public void Fuzzed_headers_fail_only_with_typed_errors()
    {
        var random = new Random(1234);
        string valid = QemuJson();
        const string alphabet = "{}[]\":,0123456789abcdefABCDEF \\u\0\ud800x-";
        for (int i = 0; i < 5000; i++)
        {
            char[] chars = valid.ToCharArray();
            int edits = random.Next(1, 6);
            for (int j = 0; j < edits; j++)
            {
                chars[random.Next(chars.Length)] = alphabet[random.Next(alphabet.Length)];
            }

            string input = random.Next(5) == 0 ? new string(chars, 0, random.Next(chars.Length)) : new string(chars);
            try
            {
                FlashbotsMeasurementHeaders.Parse(random.Next(2) == 0 ? "qemu-tdx" : "azure-tdx", input, s_on);
            }
            catch (AttestationException)
            {
            }
        }
    }
}
