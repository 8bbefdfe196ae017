using System.Security.Cryptography;

namespace Kms.Attestation.Snp;

/// <summary>
/// The pinned AMD trust anchors: per processor family the self-signed ARK (pinned by SHA-256 fingerprint of its DER),
/// the ASK that signs VCEKs and the ASVK that signs VLEKs. The ARK self-signature and the ARK → ASK/ASVK links are
/// checked once, when a family is first used.
/// </summary>
internal static partial class AmdRootCertificates
{
    /// <summary>SHA-256 fingerprints of the DER ARKs, recorded from AMD KDS cert_chain downloads.</summary>
    internal static readonly IReadOnlyDictionary<SnpProcessorFamily, string> ArkSha256 = new Dictionary<SnpProcessorFamily, string>
    {
        [SnpProcessorFamily.Milan] = "69d063b45344d26a2e94e1f4210de49ef555308287d4c174445c95639a540bcd",
        [SnpProcessorFamily.Genoa] = "4c6598d19c18719c5dfd4a7d335f674e5bfe1d8f800cea2cf270c10d103db2f1",
        [SnpProcessorFamily.Turin] = "1f084161a44bb6d93778a904877d4819cafa5d05ef4193b2ded9dd9c73dd3f6a",
    };

    private static readonly Lazy<AmdFamilyChain> s_milan = new(() => Load(SnpProcessorFamily.Milan, ArkMilan, AskMilan, AsvkMilan));
    private static readonly Lazy<AmdFamilyChain> s_genoa = new(() => Load(SnpProcessorFamily.Genoa, ArkGenoa, AskGenoa, AsvkGenoa));
    private static readonly Lazy<AmdFamilyChain> s_turin = new(() => Load(SnpProcessorFamily.Turin, ArkTurin, AskTurin, AsvkTurin));

    /// <summary>The verified ARK/ASK/ASVK of a family.</summary>
    public static AmdFamilyChain For(SnpProcessorFamily family) => family switch
    {
        SnpProcessorFamily.Milan => s_milan.Value,
        SnpProcessorFamily.Genoa => s_genoa.Value,
        SnpProcessorFamily.Turin => s_turin.Value,
        _ => throw new ArgumentOutOfRangeException(nameof(family)),
    };

    /// <summary>Every family, in a fixed order.</summary>
    public static IReadOnlyList<SnpProcessorFamily> Families { get; } = [SnpProcessorFamily.Milan, SnpProcessorFamily.Genoa, SnpProcessorFamily.Turin];

    internal static AmdFamilyChain Load(SnpProcessorFamily family, string arkPem, string askPem, string asvkPem)
    {
        AmdCertificate ark = AmdCertificate.FromPem(arkPem);
        if (Convert.ToHexStringLower(ark.Fingerprint) != ArkSha256[family])
        {
            throw new AttestationException(AttestationFailureKind.UntrustedChain, $"The embedded ARK for {family} does not match its pinned fingerprint.");
        }

        if (!ark.IsSignedBy(ark))
        {
            throw new AttestationException(AttestationFailureKind.UntrustedChain, $"The ARK for {family} is not self-signed.");
        }

        AmdCertificate ask = AmdCertificate.FromPem(askPem);
        AmdCertificate asvk = AmdCertificate.FromPem(asvkPem);
        if (!ask.IsSignedBy(ark) || !asvk.IsSignedBy(ark))
        {
            throw new AttestationException(AttestationFailureKind.UntrustedChain, $"The ASK/ASVK for {family} is not signed by its ARK.");
        }

        return new AmdFamilyChain(family, ark, ask, asvk);
    }
}

/// <summary>One family's verified ARK, ASK (signs VCEKs) and ASVK (signs VLEKs).</summary>
internal sealed record AmdFamilyChain(SnpProcessorFamily Family, AmdCertificate Ark, AmdCertificate Ask, AmdCertificate Asvk)
{
    /// <summary>The intermediate that certifies endorsement keys of <paramref name="key"/>'s kind.</summary>
    public AmdCertificate IntermediateFor(SnpSigningKey key) => key == SnpSigningKey.Vlek ? Asvk : Ask;

    /// <summary>Throws <see cref="AttestationFailureKind.ExpiredCollateral"/> when the ARK or the intermediate is not valid at <paramref name="now"/>.</summary>
    public void RequireValidAt(DateTimeOffset now, SnpSigningKey key)
    {
        Ark.RequireValidAt(now, "ARK");
        IntermediateFor(key).RequireValidAt(now, key == SnpSigningKey.Vlek ? "ASVK" : "ASK");
    }
}
