using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Kms.Attestation.Dev;
using Kms.Client.Admin;
using Kms.Crypto.Hpke;
using Kms.Crypto.Release;
using Kms.Grains.Namespaces;

namespace Kms.Tests.Shared;

/// <summary>
/// A dev-evidence workload and its admin against the /v1 API of several silos: sets up a namespace, releases the
/// derived key <c>storage/disk</c> v1 (challenge, evidence, release, HPKE open) and admits measurement identities as
/// acknowledged writes. Each call goes to one silo; the caller chooses which (and so routes around dead ones).
/// Linked into the cluster tests and the cluster benchmark.
/// </summary>
internal sealed class ClusterWorkload : IDisposable
{
    private readonly ECDsa _evidenceKey;
    private readonly ECDsa _adminKey;
    private readonly HttpClient[] _clients;
    private readonly HttpClient[] _admins;
    private readonly Dictionary<string, byte[]> _measurements;

    public ClusterWorkload(IReadOnlyList<Uri> silos, string evidenceKeyFile, string adminKeyFile, string ns, TimeSpan requestTimeout, string image = "cluster-load")
    {
        Namespace = ns;
        Silos = silos;
        _evidenceKey = LoadKey(evidenceKeyFile);
        _adminKey = LoadKey(adminKeyFile);
        _measurements = new Dictionary<string, byte[]> { ["rtmr0"] = SHA384.HashData(System.Text.Encoding.UTF8.GetBytes(image)) };
        Identity = MeasurementIdentity.Compute(new VerifiedWorkload(
            "dev", "dev", true, "NotApplicable", [], _measurements.ToDictionary(m => m.Key, m => Convert.ToHexStringLower(m.Value)), []));
        _clients = silos.Select(silo => new HttpClient(new SocketsHttpHandler { ConnectTimeout = requestTimeout })
        {
            BaseAddress = silo,
            Timeout = requestTimeout,
        }).ToArray();
        _admins = silos.Select(silo => new HttpClient(new AdminRequestSigningHandler("dev-admin", _adminKey)
        {
            InnerHandler = new SocketsHttpHandler { ConnectTimeout = requestTimeout },
        })
        {
            BaseAddress = silo,
            Timeout = requestTimeout,
        }).ToArray();
    }

    public string Namespace { get; }

    public IReadOnlyList<Uri> Silos { get; }

    /// <summary>The measurement identity of this workload's dev evidence.</summary>
    public string Identity { get; }

    /// <summary>Creates the namespace (dev TEE type) unless it exists and admits this workload; through silo <paramref name="silo"/>.</summary>
    public async Task SetUpAsync(int silo, CancellationToken cancellationToken)
    {
        using HttpResponseMessage created = await _admins[silo].PutAsJsonAsync($"/v1/namespaces/{Namespace}", new
        {
            policy = new { teeTypes = new[] { "dev" }, allowDebug = true, tcbStatuses = Array.Empty<string>() },
        }, cancellationToken);
        if (created.StatusCode is not (HttpStatusCode.Created or HttpStatusCode.Conflict))
        {
            throw new InvalidOperationException($"Creating namespace {Namespace}: {(int)created.StatusCode} {await created.Content.ReadAsStringAsync(cancellationToken)}");
        }

        CallResult admitted = await AdmitAsync(silo, Identity, cancellationToken);
        if (!admitted.Succeeded)
        {
            throw new InvalidOperationException($"Admitting the workload: {admitted}");
        }
    }

    /// <summary>Challenge + release of <c>storage/disk</c> v1 through one silo; the opened key on success.</summary>
    public async Task<(CallResult Result, byte[]? Key)> ReleaseAsync(int silo, CancellationToken cancellationToken)
    {
        HttpClient client = _clients[silo];
        byte[] instanceId = RandomNumberGenerator.GetBytes(32);
        try
        {
            using HttpResponseMessage challengeResponse = await client.PostAsJsonAsync($"/v1/namespaces/{Namespace}/challenges",
                new { identity = Identity, instanceId = Convert.ToHexStringLower(instanceId) }, cancellationToken);
            string challengeText = await challengeResponse.Content.ReadAsStringAsync(cancellationToken);
            if (!challengeResponse.IsSuccessStatusCode)
            {
                return (CallResult.Failed((int)challengeResponse.StatusCode, challengeText), null);
            }

            string challenge = JsonDocument.Parse(challengeText).RootElement.GetProperty("challenge").GetString()!;
            using X25519KeyPair recipient = X25519KeyPair.Generate();
            byte[] publicKey = recipient.PublicKey.ToArray();
            var request = new
            {
                evidence = new
                {
                    type = "dev",
                    evidence = Convert.ToBase64String(DevEvidence.Create(_evidenceKey, _measurements,
                        ReleaseBinding.ReportData(Convert.FromHexString(challenge), instanceId, "hpke-x25519", publicKey))),
                },
                challenge,
                instanceId = Convert.ToHexStringLower(instanceId),
                recipient = new { scheme = "hpke-x25519", publicKey = Convert.ToBase64String(publicKey) },
                purpose = "storage",
                name = "disk",
                version = 1,
            };
            using HttpResponseMessage response = await client.PostAsJsonAsync($"/v1/namespaces/{Namespace}/keys", request, cancellationToken);
            string text = await response.Content.ReadAsStringAsync(cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                return (CallResult.Failed((int)response.StatusCode, text), null);
            }

            JsonElement body = JsonDocument.Parse(text).RootElement;
            byte[] key = HpkeX25519.Open(recipient, "Orleans.Kms release v1"u8, [],
                [.. Convert.FromBase64String(body.GetProperty("encapsulation").GetString()!), .. Convert.FromBase64String(body.GetProperty("ciphertext").GetString()!)]);
            return (CallResult.Ok, key);
        }
        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return (CallResult.Unreachable(exception.Message), null);
        }
    }

    /// <summary>Admits <paramref name="identity"/> (64 lowercase hex) through one silo: an admin write.</summary>
    public async Task<CallResult> AdmitAsync(int silo, string identity, CancellationToken cancellationToken)
    {
        try
        {
            using HttpResponseMessage response = await _admins[silo].PutAsJsonAsync(
                $"/v1/namespaces/{Namespace}/measurements/{identity}", new { description = "acknowledged write" }, cancellationToken);
            return response.IsSuccessStatusCode
                ? CallResult.Ok
                : CallResult.Failed((int)response.StatusCode, await response.Content.ReadAsStringAsync(cancellationToken));
        }
        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return CallResult.Unreachable(exception.Message);
        }
    }

    /// <summary>The namespace's measurement registry as one silo returns it (JSON text), or null when it failed.</summary>
    public async Task<string?> ListMeasurementsAsync(int silo, CancellationToken cancellationToken)
    {
        try
        {
            using HttpResponseMessage response = await _clients[silo].GetAsync($"/v1/namespaces/{Namespace}/measurements", cancellationToken);
            return response.IsSuccessStatusCode ? await response.Content.ReadAsStringAsync(cancellationToken) : null;
        }
        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return null;
        }
    }

    /// <summary>GET <paramref name="path"/> on one silo: status and body, or null when unreachable.</summary>
    public async Task<(int Status, string Body)?> GetAsync(int silo, string path, CancellationToken cancellationToken)
    {
        try
        {
            using HttpResponseMessage response = await _clients[silo].GetAsync(path, cancellationToken);
            return ((int)response.StatusCode, await response.Content.ReadAsStringAsync(cancellationToken));
        }
        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return null;
        }
    }

    public void Dispose()
    {
        foreach (HttpClient client in _clients.Concat(_admins))
        {
            client.Dispose();
        }

        _evidenceKey.Dispose();
        _adminKey.Dispose();
    }

    private static ECDsa LoadKey(string file)
    {
        var key = ECDsa.Create();
        key.ImportFromPem(File.ReadAllText(file));
        return key;
    }
}

/// <summary>The outcome of one call: success, an HTTP error status with its body, or no answer (status 0).</summary>
internal sealed record CallResult(bool Succeeded, int Status, string Detail)
{
    public static CallResult Ok { get; } = new(true, 200, string.Empty);

    public static CallResult Failed(int status, string body) => new(false, status, body.Length <= 500 ? body : body[..500]);

    public static CallResult Unreachable(string message) => new(false, 0, message);

    public override string ToString() => Succeeded ? "ok" : $"{Status}: {Detail}";
}
