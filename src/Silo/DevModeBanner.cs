namespace Kms.Silo;

/// <summary>The warning a development-mode silo prints on start, so nobody mistakes it for a secure deployment.</summary>
public static class DevModeBanner
{
    /// <summary>A line of the banner that tests and log scrapers can look for.</summary>
    public const string Headline = "WARNING: kms-silo is running in DEVELOPMENT MODE (--dev). It is NOT SECURE.";

    /// <summary>Writes the banner.</summary>
    public static void Write(TextWriter writer, KmsSiloOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(options);
        string rule = new('!', 100);
        writer.WriteLine(rule);
        writer.WriteLine("!! " + Headline);
        writer.WriteLine("!! Development attestation evidence (TEE type 'dev') is accepted: anyone can obtain keys.");
        writer.WriteLine($"!! The storage key lies next to the data it protects: {options.StorageKeyFile}");
        if (!options.Tls.IsConfigured)
        {
            writer.WriteLine("!! Orleans connections (silo and gateway ports) are plaintext: no TLS material was given.");
        }

        writer.WriteLine($"!! Data directory: {options.DataDirectory}");
        writer.WriteLine("!! Use it for local development and tests only; never for real keys or secrets.");
        writer.WriteLine(rule);
        writer.Flush();
    }

    /// <summary>The line a production silo that accepts dev evidence prints on start.</summary>
    public const string DevEvidenceHeadline =
        "WARNING: kms-silo accepts DEVELOPMENT attestation evidence (--insecure-dev-evidence-key). It is NOT SECURE.";

    /// <summary>Writes the warning of a silo that runs outside development mode but accepts dev evidence.</summary>
    public static void WriteDevEvidence(TextWriter writer, KmsSiloOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(options);
        string rule = new('!', 100);
        writer.WriteLine(rule);
        writer.WriteLine("!! " + DevEvidenceHeadline);
        writer.WriteLine($"!! Whoever holds {options.InsecureDevEvidenceKeyFile} passes attestation and can obtain keys.");
        writer.WriteLine("!! Use it for local clusters and tests only; never for real keys or secrets.");
        writer.WriteLine(rule);
        writer.Flush();
    }
}
