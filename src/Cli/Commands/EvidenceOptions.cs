using System.CommandLine;
using System.Security.Cryptography;
using System.Text;
using Kms.Attestation.Providers;

namespace Kms.Cli.Commands;

/// <summary>The <c>--evidence</c> and <c>--image</c> options: which TEE evidence a workload command presents.</summary>
internal sealed class EvidenceOptions
{
    public Option<string> Evidence { get; } = new("--evidence")
    {
        Description = "The evidence to present: dev (signed with <data-dir>/dev-evidence.key; a --dev silo only), tdx or sev-snp (configfs-tsm), "
            + "sev-guest (SEV-SNP through /dev/sev-guest), azure-cvm (not supported yet: issue 14)",
        DefaultValueFactory = _ => "dev",
    };

    public Option<string> Image { get; } = new("--image")
    {
        Description = "dev evidence: the image name whose SHA-384 is the rtmr0 measurement (one name, one identity)",
        DefaultValueFactory = _ => "dev-workload",
    };

    public EvidenceOptions()
    {
        Evidence.AcceptOnlyFromAmong("dev", "tdx", "sev-snp", "sev-guest", "azure-cvm");
    }

    public void AddTo(Command command)
    {
        command.Options.Add(Evidence);
        command.Options.Add(Image);
    }

    /// <summary>The provider the options name; the caller disposes it if it is disposable.</summary>
    public IEvidenceProvider Create(ParseResult parsed, CliContext context) => parsed.GetValue(Evidence) switch
    {
        "tdx" => ConfigFsTsmEvidenceProvider.ForTdx(),
        "sev-snp" => ConfigFsTsmEvidenceProvider.ForSevSnp(),
        "sev-guest" => new SevGuestEvidenceProvider(),
        "azure-cvm" => new AzureCvmEvidenceProvider(),
        _ => DevProvider(context, parsed.GetValue(Image)!),
    };

    public static DevEvidenceProvider DevProvider(CliContext context, string image)
    {
        ECDsa key = CliContext.LoadP256(Path.Combine(context.DataDirectory, "dev-evidence.key"), "dev evidence key (--data-dir)");
        return new DevEvidenceProvider(key, new Dictionary<string, byte[]> { ["rtmr0"] = SHA384.HashData(Encoding.UTF8.GetBytes(image)) });
    }
}
