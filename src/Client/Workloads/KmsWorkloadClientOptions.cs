namespace Kms.Client.Workloads;

/// <summary>Settings of a <see cref="KmsWorkloadClient"/>: which silos, which namespace, how it retries.</summary>
public sealed class KmsWorkloadClientOptions
{
    /// <summary>The default of <see cref="RequestTimeout"/>: 30 seconds.</summary>
    public static readonly TimeSpan DefaultRequestTimeout = TimeSpan.FromSeconds(30);

    /// <summary>The default of <see cref="RetryDelay"/>: half a second.</summary>
    public static readonly TimeSpan DefaultRetryDelay = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// The silos' API base addresses (<c>http://kms-1:8080/</c>, …); required, at least one. Any silo answers for any
    /// namespace; the client starts with the last one that answered and moves on when one is unavailable.
    /// </summary>
    public IList<Uri> BaseAddresses { get; } = [];

    /// <summary>The namespace the workload belongs to; required.</summary>
    public string Namespace { get; set; } = string.Empty;

    /// <summary>The scheme of the key releases are sealed to (<see cref="RecipientSchemes"/>). Default
    /// <see cref="RecipientSchemes.HpkeX25519"/>.</summary>
    public string RecipientScheme { get; set; } = RecipientSchemes.HpkeX25519;

    /// <summary>
    /// The workload's 32-byte instance id, kept for the instance's life (the KMS binds it to the key it last received a
    /// release under and refuses a second live instance that presents it). Default: random per client.
    /// </summary>
    public byte[]? InstanceId { get; set; }

    /// <summary>
    /// The workload's measurement identity (64 hex) in the namespace. Default: learned once from the KMS by verifying a
    /// sample of this TEE's evidence (<c>POST /v1/attestation/verify</c>).
    /// </summary>
    public string? Identity { get; set; }

    /// <summary>How long one HTTP request may take before the silo counts as unavailable. Default 30 s.</summary>
    public TimeSpan RequestTimeout { get; set; } = DefaultRequestTimeout;

    /// <summary>How many times the client goes round all <see cref="BaseAddresses"/> before it gives up. Default 2.</summary>
    public int Rounds { get; set; } = 2;

    /// <summary>The pause between two rounds. Default 0.5 s.</summary>
    public TimeSpan RetryDelay { get; set; } = DefaultRetryDelay;

    /// <summary>The largest answer body read, in bytes (a larger one is an error). Default 1 MiB.</summary>
    public int MaxResponseBytes { get; set; } = 1 << 20;

    /// <summary>Checks the options.</summary>
    /// <exception cref="ArgumentException">A setting is missing or out of range (named in the message).</exception>
    public void Validate()
    {
        if (BaseAddresses.Count == 0 || BaseAddresses.Any(a => a is not { IsAbsoluteUri: true } || a.Scheme is not ("http" or "https")))
        {
            throw new ArgumentException("BaseAddresses needs at least one absolute http(s) address of a silo.");
        }

        if (string.IsNullOrWhiteSpace(Namespace))
        {
            throw new ArgumentException("Namespace is required.");
        }

        if (!RecipientSchemes.All.Contains(RecipientScheme))
        {
            throw new ArgumentException($"RecipientScheme must be one of {string.Join(", ", RecipientSchemes.All)}.");
        }

        if (InstanceId is not null && InstanceId.Length != 32)
        {
            throw new ArgumentException("InstanceId is 32 bytes.");
        }

        if (Identity is not null && (Identity.Length != 64 || !Identity.All(char.IsAsciiHexDigitLower)))
        {
            throw new ArgumentException("Identity is 64 lowercase hex characters.");
        }

        if (RequestTimeout <= TimeSpan.Zero || Rounds < 1 || RetryDelay < TimeSpan.Zero || MaxResponseBytes < 1024)
        {
            throw new ArgumentException("RequestTimeout must be positive, Rounds at least 1, RetryDelay not negative, MaxResponseBytes at least 1024.");
        }
    }
}
