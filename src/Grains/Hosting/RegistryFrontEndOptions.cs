namespace Kms.Grains.Hosting;

/// <summary>
/// The Go TEE registry front end (bound from <c>Silo:Grains:Registry</c>): how instances prove what they are, and the
/// evidence policy of the onchain namespaces it creates on first use.
/// </summary>
public sealed class RegistryFrontEndOptions
{
    /// <summary>
    /// Trust <c>X-Flashbots-Attestation-Type</c> / <c>X-Flashbots-Measurement</c> (the silo sits behind a flashbots
    /// attested-TLS proxy that verified the instance). Default: false — any client could otherwise claim any measurement;
    /// instances then send their own evidence (<c>X-Kms-Evidence</c>).
    /// </summary>
    public bool TrustAttestedProxy { get; set; }

    /// <summary>
    /// TEE types admitted by an onchain namespace that the front end creates when its application is first served.
    /// Default: tdx, azure-tdx, azure-sev-snp (a <c>--dev</c> silo adds "dev").
    /// </summary>
    public string[] TeeTypes { get; set; } = ["tdx", "azure-tdx", "azure-sev-snp"];

    /// <summary>
    /// TCB statuses admitted by such a namespace. Default: UpToDate and <see cref="ProxyAttestedTcbStatus"/> (the proxy's
    /// headers carry no TCB status; remove it to refuse proxy-attested instances).
    /// </summary>
    public string[] TcbStatuses { get; set; } = ["UpToDate", ProxyAttestedTcbStatus];

    /// <summary>The TCB status the namespace sees for an instance the attested proxy vouched for.</summary>
    public const string ProxyAttestedTcbStatus = "ProxyAttested";

    /// <exception cref="ArgumentException">A list is empty.</exception>
    public void Validate()
    {
        if (TeeTypes is not { Length: > 0 } || TcbStatuses is not { Length: > 0 })
        {
            throw new ArgumentException("The registry front end needs at least one TEE type and one TCB status.", "Registry");
        }
    }
}
