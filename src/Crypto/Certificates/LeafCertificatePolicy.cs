using System.Text.RegularExpressions;

namespace Kms.Crypto.Certificates;

/// <summary>
/// What a namespace CA may put into a leaf certificate issued from a workload's CSR. Immutable; every default is the
/// strict choice.
/// </summary>
public sealed record LeafCertificatePolicy
{
    /// <summary>
    /// The CN rule of the Go TEE registry system: <c>&lt;40 lowercase hex&gt;.app</c> (the app's contract address,
    /// seeds-protocols §1.2), no SANs other than DNS names listed by the caller.
    /// </summary>
    public static LeafCertificatePolicy GoAppCommonName { get; } = new() { CommonNamePattern = "[0-9a-f]{40}\\.app" };

    private readonly string _commonNamePattern = "";
    private Regex? _commonNameRegex;

    /// <summary>
    /// Regular expression the whole common name must match (it is anchored at both ends). Required: the CSR must carry
    /// exactly one CN. Evaluated with the non-backtracking engine, so a hostile CN cannot make it slow.
    /// </summary>
    public required string CommonNamePattern
    {
        get => _commonNamePattern;
        init
        {
            ArgumentException.ThrowIfNullOrEmpty(value);
            _commonNameRegex = new Regex($"^(?:{value})$", RegexOptions.CultureInvariant | RegexOptions.NonBacktracking);
            _commonNamePattern = value;
        }
    }

    /// <summary>When false (default) the subject may contain nothing but the CN.</summary>
    public bool AllowOtherSubjectAttributes { get; init; }

    /// <summary>DNS SANs allowed exactly (case-insensitive). Default: none.</summary>
    public IReadOnlyList<string> AllowedDnsNames { get; init; } = [];

    /// <summary>
    /// DNS suffixes under which any name is allowed, e.g. <c>apps.example.com</c> allows <c>a.apps.example.com</c>
    /// (label boundary; the suffix itself is not implied). Default: none.
    /// </summary>
    public IReadOnlyList<string> AllowedDnsSuffixes { get; init; } = [];

    /// <summary>Whether IP address SANs are copied. Default: false.</summary>
    public bool AllowIpAddresses { get; init; }

    /// <summary>Validity of issued leaves. Default: 365 days (as the Go system).</summary>
    public TimeSpan Validity { get; init; } = TimeSpan.FromDays(365);

    /// <summary>Upper bound that <see cref="Validity"/> may not exceed. Default: 398 days.</summary>
    public TimeSpan MaxValidity { get; init; } = TimeSpan.FromDays(398);

    /// <summary>Throws <see cref="CertificatePolicyException"/> when the request is not allowed.</summary>
    public void Enforce(ParsedCertificateRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (Validity <= TimeSpan.Zero || Validity > MaxValidity)
        {
            throw new InvalidOperationException("The policy's validity must be positive and not above its maximum validity.");
        }

        string commonName = request.CommonName
            ?? throw new CertificatePolicyException("The subject must contain exactly one common name.");
        if (!_commonNameRegex!.IsMatch(commonName))
        {
            throw new CertificatePolicyException("The common name is not allowed by the policy.");
        }

        if (!AllowOtherSubjectAttributes && request.SubjectAttributes.Count != 1)
        {
            throw new CertificatePolicyException("The subject may contain only the common name.");
        }

        foreach (string dnsName in request.DnsNames)
        {
            if (!IsHostName(dnsName) || !IsAllowedDnsName(dnsName))
            {
                throw new CertificatePolicyException($"The DNS name '{Printable(dnsName)}' is not allowed by the policy.");
            }
        }

        if (request.IpAddresses.Count > 0 && !AllowIpAddresses)
        {
            throw new CertificatePolicyException("IP address SANs are not allowed by the policy.");
        }

        if (request.OtherSubjectAltNames.Count > 0)
        {
            throw new CertificatePolicyException("Only DNS and IP address SANs can be issued.");
        }
    }

    private bool IsAllowedDnsName(string name)
    {
        foreach (string allowed in AllowedDnsNames)
        {
            if (string.Equals(name, allowed, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        foreach (string suffix in AllowedDnsSuffixes)
        {
            string trimmed = suffix.TrimStart('.');
            if (name.Length > trimmed.Length + 1
                && name.EndsWith(trimmed, StringComparison.OrdinalIgnoreCase)
                && name[name.Length - trimmed.Length - 1] == '.')
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>RFC 1123 host name: LDH labels of 1–63 characters, at most 253 in total, no wildcards.</summary>
    private static bool IsHostName(string name)
    {
        if (name.Length is 0 or > 253)
        {
            return false;
        }

        foreach (string label in name.Split('.'))
        {
            if (label.Length is 0 or > 63 || label[0] == '-' || label[^1] == '-')
            {
                return false;
            }

            foreach (char c in label)
            {
                if (!char.IsAsciiLetterOrDigit(c) && c != '-')
                {
                    return false;
                }
            }
        }

        return true;
    }

    private static string Printable(string value)
    {
        string shortened = value.Length > 64 ? value[..64] + "…" : value;
        return new string(shortened.Select(c => char.IsControl(c) ? '?' : c).ToArray());
    }
}
