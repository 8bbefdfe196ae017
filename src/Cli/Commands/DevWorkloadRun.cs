using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Kms.Client.Workloads;

namespace Kms.Cli.Commands;

/// <summary>The steps of <c>kms dev workload</c>: the admin's part (idempotent), then the workload's.</summary>
internal sealed class DevWorkloadRun(CliContext context, string ns, string secretName, string outputDirectory)
{
    public string Namespace => ns;

    public async Task<DevWorkloadResult> RunAsync(KmsWorkloadClient client, string commonName, CancellationToken cancellationToken)
    {
        KmsApiTransport admin = context.AdminTransport();
        string nsPath = NamespaceCommands.Path(ns);

        await context.StatusAsync($"Creating namespace {ns}…", () => IgnoreConflictAsync(admin.RunAsync("create the namespace", (silo, ct) =>
            admin.SendAsync(silo, HttpMethod.Put, nsPath, new { policy = new { teeTypes = new[] { "dev" }, allowDebug = false, tcbStatuses = Array.Empty<string>() } }, ct),
            cancellationToken)));

        string identity = await context.StatusAsync("Verifying a sample of the dev evidence…", () => client.GetIdentityAsync(cancellationToken));
        await context.StatusAsync("Admitting the workload's measurement…", () => admin.RunAsync("admit the measurement", (silo, ct) =>
            admin.SendAsync(silo, HttpMethod.Put, $"{nsPath}/measurements/{identity}", new { description = "kms dev workload" }, ct), cancellationToken));

        string secretPath = $"{nsPath}/secrets/{Uri.EscapeDataString(secretName)}";
        await context.StatusAsync($"Making sure secret {secretName} exists…", async () =>
        {
            try
            {
                return await admin.RunAsync("read the secret", (silo, ct) => admin.SendAsync(silo, HttpMethod.Get, secretPath, null, ct), cancellationToken);
            }
            catch (KmsApiException exception) when (exception.Status == 404)
            {
                byte[] value = RandomNumberGenerator.GetBytes(32);
                try
                {
                    return await admin.RunAsync("set the secret", (silo, ct) =>
                        admin.SendAsync(silo, HttpMethod.Put, secretPath, new { value = Convert.ToBase64String(value) }, ct), cancellationToken);
                }
                finally
                {
                    CryptographicOperations.ZeroMemory(value);
                }
            }
        });

        Directory.CreateDirectory(outputDirectory);
        const string purpose = "storage", name = "disk";
        DerivedKeyResult derived;
        using (ReleasedSecret key = await context.StatusAsync("Fetching the derived key…", () => client.DeriveKeyAsync(purpose, name, 1, null, cancellationToken)))
        {
            string file = Path.Combine(outputDirectory, "disk.key");
            CliFiles.Write(file, key.Value, secret: true);
            derived = new DerivedKeyResult(purpose, name, 1, key.Value.Length, key.Version, file);
        }

        SecretResult secret;
        using (ReleasedSecret value = await context.StatusAsync($"Fetching secret {secretName}…", () => client.GetSecretAsync(secretName, cancellationToken)))
        {
            string file = Path.Combine(outputDirectory, secretName + ".secret");
            CliFiles.Write(file, value.Value, secret: true);
            secret = new SecretResult(secretName, value.Version, value.Value.Length, file);
        }

        using var tlsKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        byte[] csr = new CertificateRequest($"CN={commonName}", tlsKey, HashAlgorithmName.SHA256).CreateSigningRequest();
        CertificateBody issued = await context.StatusAsync("Fetching a certificate…", () => client.IssueCertificateAsync(csr, cancellationToken));
        var files = new CertificateFiles(
            Path.Combine(outputDirectory, "workload.crt"), Path.Combine(outputDirectory, "ca.crt"), Path.Combine(outputDirectory, "workload.key"));
        files.Write(issued, tlsKey.ExportPkcs8PrivateKeyPem());

        return new DevWorkloadResult(ns, identity, client.InstanceId, derived, secret,
            new CertificateResult(issued.Serial, issued.NotAfter, files.Certificate, files.Ca, files.Key!));
    }

    private static async Task<byte[]> IgnoreConflictAsync(Task<byte[]> request)
    {
        try
        {
            return await request;
        }
        catch (KmsApiException exception) when (exception.Status == 409)
        {
            return []; // it exists already: the walkthrough can be run again
        }
    }
}
