namespace Kms.Grains.Namespaces;

/// <summary>
/// A namespace (key: its id — a name, or a <c>0x…</c> contract address): its governance and policy, measurement
/// registry, CA, and the cached namespace key per epoch (evaluated by threshold over the key-share grains).
/// </summary>
[Alias("Kms.Grains.Namespaces.INamespaceGrain")]
public interface INamespaceGrain : IGrainWithStringKey
{
    /// <summary>Creates the namespace; refused when it exists.</summary>
    [Alias("Create")]
    Task<NamespaceInfo> CreateAsync(NamespaceCreateRequest request, CancellationToken cancellationToken = default);

    /// <summary>The namespace.</summary>
    /// <exception cref="KmsException">It does not exist (<see cref="KmsErrorKind.NotFound"/>).</exception>
    [Alias("Get")]
    Task<NamespaceInfo> GetAsync(CancellationToken cancellationToken = default);

    /// <summary>Replaces the evidence policy.</summary>
    [Alias("SetPolicy")]
    Task<NamespaceInfo> SetPolicyAsync(NamespacePolicy policy, string admin, CancellationToken cancellationToken = default);

    /// <summary>
    /// Puts a signed policy document (envelope JSON) in force in a <see cref="NamespaceGovernance.PolicyDocuments"/>
    /// namespace: a threshold of its policy signers signed it and its serial is greater than the one in force.
    /// </summary>
    /// <exception cref="KmsException">Malformed or for another namespace (<see cref="KmsErrorKind.MalformedInput"/>), not
    /// signed by enough signers or with a bad signature (<see cref="KmsErrorKind.PolicyDenied"/>), serial not increasing
    /// (<see cref="KmsErrorKind.Conflict"/>).</exception>
    [Alias("ApplyPolicyDocument")]
    Task<PolicyDocumentRecord> ApplyPolicyDocumentAsync(byte[] envelope, string admin, CancellationToken cancellationToken = default);

    /// <summary>Adds (or re-admits) a measurement identity to the registry.</summary>
    [Alias("AddMeasurement")]
    Task<MeasurementRecord> AddMeasurementAsync(string identity, string description, string admin, CancellationToken cancellationToken = default);

    /// <summary>
    /// Revokes a measurement identity; in force for the next request. In a namespace governed by policy documents or
    /// onchain it is an emergency brake over what governance admits, recorded even for identities never added.
    /// </summary>
    [Alias("RevokeMeasurement")]
    Task<MeasurementRecord> RevokeMeasurementAsync(string identity, string admin, CancellationToken cancellationToken = default);

    /// <summary>The measurement registry.</summary>
    [Alias("ListMeasurements")]
    Task<IReadOnlyList<MeasurementRecord>> ListMeasurementsAsync(CancellationToken cancellationToken = default);

    /// <summary>Whether the workload is admitted, and why.</summary>
    [Alias("Authorize")]
    Task<AuthorizationDecision> AuthorizeAsync(VerifiedWorkload workload, CancellationToken cancellationToken = default);

    /// <summary>
    /// Whether the workload is admitted when <paramref name="operator"/> (0x address; the Go registry's instance operator,
    /// the zero address when none signed) vouches for it. In an onchain namespace the registry's
    /// <c>IdentityAllowed(identity, operator)</c> is asked for that operator instead of this KMS's own; other governance
    /// has no operators and decides as <see cref="AuthorizeAsync"/>.
    /// </summary>
    [Alias("AuthorizeForOperator")]
    Task<AuthorizationDecision> AuthorizeForOperatorAsync(VerifiedWorkload workload, string @operator, CancellationToken cancellationToken = default);

    /// <summary>Authorizes the workload and hands the namespace key of the epoch in force to the release worker.</summary>
    /// <exception cref="KmsException">Refused (<see cref="KmsErrorKind.PolicyDenied"/>) or the key cannot be
    /// evaluated (<see cref="KmsErrorKind.Unavailable"/>).</exception>
    [Alias("GrantRelease")]
    Task<ReleaseGrant> GrantReleaseAsync(VerifiedWorkload workload, CancellationToken cancellationToken = default);

    /// <summary>Authorizes the workload and hands the namespace CA's key material to the release worker, which signs
    /// the certificate itself (so signatures of one namespace never queue behind its activation).</summary>
    /// <exception cref="KmsException">Refused (<see cref="KmsErrorKind.PolicyDenied"/>) or no quorum of key holders
    /// (<see cref="KmsErrorKind.Unavailable"/>).</exception>
    [Alias("GrantCertificate")]
    Task<CertificateGrant> GrantCertificateAsync(VerifiedWorkload workload, CancellationToken cancellationToken = default);

    /// <summary>Authorizes the workload and issues a certificate for the CSR (DER) from the namespace CA, in this
    /// activation (release workers use <see cref="GrantCertificateAsync"/> instead).</summary>
    [Alias("IssueCertificate")]
    Task<IssuedCertificateRecord> IssueCertificateAsync(VerifiedWorkload workload, byte[] certificateRequest, CancellationToken cancellationToken = default);

    /// <summary>
    /// Go TEE registry: whether the KMS governance contract allows this onchain namespace's application
    /// (<c>ApplicationAllowed</c>); <see cref="Registry.RegistryRefusal.None"/> when it does. No key material.
    /// </summary>
    /// <exception cref="KmsException">The chain cannot be read (<see cref="KmsErrorKind.Unavailable"/>).</exception>
    [Alias("CheckRegistryApplication")]
    Task<Registry.RegistryGrantResult> CheckRegistryApplicationAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Go TEE registry: the decision for one instance — the application is allowed, the namespace policy admits the
    /// workload, and the registry's <c>IdentityAllowed(identity, operator)</c> says yes for <paramref name="operator"/>
    /// (0x address recovered from the CSR; the zero address without one) — and, when admitted, the key material.
    /// Creates the onchain namespace on first use when the application is allowed.
    /// </summary>
    /// <exception cref="KmsException">The chain or the key shares cannot be had (<see cref="KmsErrorKind.Unavailable"/>).</exception>
    [Alias("GrantRegistry")]
    Task<Registry.RegistryGrantResult> GrantRegistryAsync(VerifiedWorkload workload, string @operator, CancellationToken cancellationToken = default);

    /// <summary>
    /// Go TEE registry: the public key material of the namespace's PKI (CA and app key), creating the onchain namespace
    /// on first use when the application is allowed. The identity of the grant is empty.
    /// </summary>
    [Alias("GetRegistryPki")]
    Task<Registry.RegistryGrantResult> GetRegistryPkiAsync(CancellationToken cancellationToken = default);

    /// <summary>Starts a new key epoch: keys derived afterwards differ from those before.</summary>
    [Alias("RotateKey")]
    Task<NamespaceInfo> RotateKeyAsync(string admin, CancellationToken cancellationToken = default);
}
