using Kms.Crypto.Ethereum;

namespace Kms.Grains.Hosting;

/// <summary>
/// The Ethereum node onchain namespaces are read from (bound from <c>Silo:Grains:Governance</c>). Without
/// <see cref="RpcUrl"/> the silo governs no namespace onchain: creating one is refused.
/// </summary>
public sealed class GovernanceChainOptions
{
    /// <summary>The JSON-RPC endpoint (http or https). Default: <see langword="null"/>, no onchain namespaces.</summary>
    public Uri? RpcUrl { get; set; }

    /// <summary>
    /// This KMS's operator account (0x address): the contracts answer identity queries only for holders of
    /// ROLE_OPERATOR, and reads are made on its behalf. Required with <see cref="RpcUrl"/>. Default: <see langword="null"/>.
    /// </summary>
    public string? OperatorAddress { get; set; }

    /// <summary>
    /// The KMS governance contract (KMS.sol / KmsGovernance ABI, 0x address; the Go system's <c>--kms-contract</c>):
    /// its <c>ApplicationAllowed(app)</c> decides which applications the Go-compatible registry front end
    /// (<c>/api/attested/secrets</c>, <c>/api/public/pki</c>) serves, and its <c>requestOnboard</c> records approve
    /// silos' onboarding requests when the joining silo's identity is allowlisted there for the requesting operator.
    /// Default: <see langword="null"/>, no application is served and onboarding is approved by the admins only.
    /// </summary>
    public string? KmsContract { get; set; }

    /// <summary>Reads happen at <c>latest − Confirmations</c>. Default: 3.</summary>
    public int Confirmations { get; set; } = 3;

    /// <summary>How often (on demand) the head is polled for changes that invalidate cached answers. Default: 2 s.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>When the chain could not be read for this long, nothing of an onchain namespace is released. Default: 60 s.</summary>
    public TimeSpan StalenessBound { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How long one JSON-RPC request may take. Default: 10 s.</summary>
    public TimeSpan RpcTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <exception cref="ArgumentException">An option is out of range or malformed; the parameter name is the option's
    /// path below the grain options ("Governance:RpcUrl").</exception>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfNegative(Confirmations, Path(nameof(Confirmations)));
        ArgumentOutOfRangeException.ThrowIfLessThan(PollInterval, TimeSpan.Zero, Path(nameof(PollInterval)));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(StalenessBound, TimeSpan.Zero, Path(nameof(StalenessBound)));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(RpcTimeout, TimeSpan.Zero, Path(nameof(RpcTimeout)));
        if (KmsContract is not null && !EthereumAddress.TryParse(KmsContract, out _))
        {
            throw new ArgumentException("The KMS governance contract is a 0x address (40 hex).", Path(nameof(KmsContract)));
        }

        if (RpcUrl is null)
        {
            return;
        }

        if (!RpcUrl.IsAbsoluteUri || RpcUrl.Scheme is not ("http" or "https"))
        {
            throw new ArgumentException("The governance RPC URL is an absolute http or https URL.", Path(nameof(RpcUrl)));
        }

        if (!EthereumAddress.TryParse(OperatorAddress, out _))
        {
            throw new ArgumentException("The governance operator address (0x + 40 hex) is required with an RPC URL.", Path(nameof(OperatorAddress)));
        }
    }

    private static string Path(string option) => "Governance:" + option;
}
