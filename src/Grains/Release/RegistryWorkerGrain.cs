using System.Security.Cryptography;
using Kms.Attestation;
using Kms.Attestation.Providers;
using Kms.Crypto.Certificates;
using Kms.Crypto.Ethereum;
using Kms.Crypto.Release;
using Kms.Grains.Hosting;
using Kms.Grains.Namespaces;
using Kms.Grains.Registry;
using Kms.Grains.Workloads;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;

namespace Kms.Grains.Release;

/// <summary>
/// Implements <see cref="IRegistryWorkerGrain"/> on the silo that received the request, in the Go handler's order:
/// application allowed → body present → claim, identity, CSR and operator parsed → namespace decision for the operator
/// → certificate signed by the namespace CA, app key, the KMS's own evidence over the answer. The CPU-bound parts (CSR
/// check, evidence check, signature) run here, in parallel; the namespace grain only decides and hands key material.
/// </summary>
[StatelessWorker]
internal sealed partial class RegistryWorkerGrain(
    IServiceProvider services,
    RegistrySigningCache signing,
    OnchainGovernanceDirectory onchain,
    IOptions<KmsGrainOptions> options,
    TimeProvider time,
    ILogger<RegistryWorkerGrain> logger) : Grain, IRegistryWorkerGrain
{
    private const string SecretsPrefix = "could not prepare app secrets: ";

    public async Task<RegistryResult<AppSecretsRecord>> AppSecretsAsync(AppSecretsRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        try
        {
            EthereumAddress contract = ParseContract(request.Contract);
            INamespaceGrain ns = GrainFactory.GetGrain<INamespaceGrain>(request.Contract);
            (VerifiedWorkload workload, ParsedCertificateRequest csr, EthereumAddress instanceOperator)? parsed = null;
            RegistryStepException? parseError = null;
            try
            {
                parsed = await ParseAsync(request, contract, cancellationToken);
            }
            catch (RegistryStepException exception)
            {
                parseError = exception;
            }

            if (parseError is not null)
            {
                // The Go handler asks ApplicationAllowed before it reads anything of the request.
                RequireApplication(await CallAsync(() => ns.CheckRegistryApplicationAsync(cancellationToken), "could not verify application is allowed: "));
                return Fail<AppSecretsRecord>(parseError);
            }

            (VerifiedWorkload workload, ParsedCertificateRequest csr, EthereumAddress instanceOperator) = parsed!.Value;
            RegistryGrantResult result = await CallAsync(
                () => ns.GrantRegistryAsync(workload, instanceOperator.ToLowerHexString(), cancellationToken), "could not verify identity is allowed: ");
            RequireApplication(result);
            switch (result.Refusal)
            {
                case RegistryRefusal.IdentityCheckReverted:
                    return RegistryResult<AppSecretsRecord>.Fail(RegistryOutcome.Unauthorized, "could not verify identity is allowed: " + result.Detail);
                case RegistryRefusal.IdentityNotAllowed:
                    return RegistryResult<AppSecretsRecord>.Fail(RegistryOutcome.Unauthorized, "identity not allowed");
            }

            RegistryKeyGrant grant = result.Grant!;
            if (request.Claim.Evidence is not null)
            {
                await ConsumeChallengeAsync(request, grant.Identity, csr, cancellationToken);
            }

            return RegistryResult<AppSecretsRecord>.Ok(await BuildSecretsAsync(request.Contract, contract, grant, csr, cancellationToken));
        }
        catch (RegistryStepException exception)
        {
            return Fail<AppSecretsRecord>(exception);
        }
    }

    public async Task<RegistryResult<AppPkiRecord>> PkiAsync(string contract, CancellationToken cancellationToken)
    {
        try
        {
            EthereumAddress address = ParseContract(contract);
            RegistryGrantResult result = await CallAsync(
                () => GrainFactory.GetGrain<INamespaceGrain>(contract).GetRegistryPkiAsync(cancellationToken), "Failed to get PKI: ");
            if (result.Refusal != RegistryRefusal.None)
            {
                return RegistryResult<AppPkiRecord>.Fail(RegistryOutcome.NotFound, "Failed to get PKI: application not allowed: " + result.Detail);
            }

            RegistrySigningMaterial material = signing.Get(contract, result.Grant!);
            byte[] reportData = RegistryReportData.Pki(address.Bytes, material.CaCertificatePem, material.AppPublicKeyPem);
            byte[] attestation = await AttestAsync(reportData, "Failed to get PKI: ", cancellationToken);
            return RegistryResult<AppPkiRecord>.Ok(new AppPkiRecord(material.CaCertificatePem, material.AppPublicKeyPem, attestation));
        }
        catch (RegistryStepException exception)
        {
            return Fail<AppPkiRecord>(exception);
        }
    }

    private async Task<(VerifiedWorkload, ParsedCertificateRequest, EthereumAddress)> ParseAsync(AppSecretsRequest request, EthereumAddress contract, CancellationToken cancellationToken)
    {
        if (request.CertificateRequestPem is not { Length: > 0 })
        {
            throw new RegistryStepException(RegistryOutcome.BadRequest, "Empty CSR in request body");
        }

        RegistryClaim claim = request.Claim ?? new RegistryClaim(null, null);
        if (claim.Evidence is null)
        {
            VerifiedWorkload proxied = RegistryClaims.FromProxy(claim, options.Value.Registry);
            RegistryClaims.Identity(proxied, contract);
            ParsedCertificateRequest proxiedCsr = RegistryClaims.Csr(request.CertificateRequestPem);
            return (proxied, proxiedCsr, RegistryClaims.Operator(proxiedCsr));
        }

        RegistryClaims.RequireEvidenceShape(claim);
        ParsedCertificateRequest csr = RegistryClaims.Csr(request.CertificateRequestPem);
        EthereumAddress instanceOperator = RegistryClaims.Operator(csr);
        byte[] reportData = ReleaseBinding.ReportData(claim.Challenge, claim.InstanceId, "csr", csr.SubjectPublicKeyInfo.Span);
        VerifiedWorkload workload;
        try
        {
            workload = await GrainFactory.GetGrain<IReleaseWorkerGrain>(0).VerifyAsync(claim.Evidence!, reportData, cancellationToken);
        }
        catch (KmsException exception) when (exception.Kind is KmsErrorKind.Unauthenticated or KmsErrorKind.MalformedInput)
        {
            throw new RegistryStepException(RegistryOutcome.Unauthorized, "evidence not accepted: " + exception.Message);
        }

        RegistryClaims.Identity(workload, contract);
        return (workload, csr, instanceOperator);
    }

    /// <summary>Direct evidence: the identity's challenge is single-use; the release is recorded like a native certificate.</summary>
    private async Task ConsumeChallengeAsync(AppSecretsRequest request, string identity, ParsedCertificateRequest csr, CancellationToken cancellationToken)
    {
        try
        {
            await GrainFactory.GetGrain<IWorkloadIdentityGrain>(WorkloadIdentityKey.Create(request.Contract, identity)).AdmitAsync(
                new AdmissionRequest(request.Claim.Challenge!, request.Claim.InstanceId!, SHA256.HashData(csr.SubjectPublicKeyInfo.Span), "registry-secrets", request.Contract),
                cancellationToken);
        }
        catch (KmsException exception) when (exception.Kind != KmsErrorKind.Unavailable)
        {
            throw new RegistryStepException(RegistryOutcome.Unauthorized, SecretsPrefix + exception.Message);
        }
        catch (KmsException exception)
        {
            throw new RegistryStepException(RegistryOutcome.Unavailable, SecretsPrefix + exception.Message);
        }
    }

    private async Task<AppSecretsRecord> BuildSecretsAsync(string @namespace, EthereumAddress contract, RegistryKeyGrant grant, ParsedCertificateRequest csr, CancellationToken cancellationToken)
    {
        RegistrySigningMaterial material = signing.Get(@namespace, grant);
        IssuedCertificate issued;
        try
        {
            issued = material.Ca.IssueLeaf(csr, material.LeafPolicy with { Validity = options.Value.CertificateValidity }, time.GetUtcNow());
        }
        catch (Exception exception) when (exception is CertificatePolicyException or ArgumentOutOfRangeException)
        {
            throw new RegistryStepException(RegistryOutcome.Unauthorized, SecretsPrefix + exception.Message);
        }

        byte[] certificatePem = GoPem.Encode("CERTIFICATE", issued.Der);
        if (onchain.OperatorAddress is not { } kmsOperator)
        {
            throw new RegistryStepException(RegistryOutcome.Unavailable, SecretsPrefix + "this silo has no governance operator address.");
        }

        byte[] operatorBytes = kmsOperator.Bytes.ToArray();
        byte[] reportData = RegistryReportData.AppSecrets(contract.Bytes, operatorBytes, certificatePem, material.AppPrivateKeyPem);
        byte[] attestation = await AttestAsync(reportData, SecretsPrefix, cancellationToken);
        LogIssued(logger, @namespace, grant.Identity, Convert.ToHexStringLower(issued.SerialNumber));
        return new AppSecretsRecord(material.AppPrivateKeyPem.ToArray(), certificatePem, operatorBytes, attestation);
    }

    private async Task<byte[]> AttestAsync(byte[] reportData, string prefix, CancellationToken cancellationToken)
    {
        if (services.GetService<IEvidenceProvider>() is not { } provider)
        {
            throw new RegistryStepException(RegistryOutcome.Unavailable, prefix + "this silo has no evidence provider for its own attestation.");
        }

        try
        {
            return await provider.GetEvidenceAsync(reportData, cancellationToken);
        }
        catch (AttestationException exception)
        {
            throw new RegistryStepException(RegistryOutcome.Unavailable, prefix + "the KMS could not attest itself: " + exception.Message);
        }
    }

    private static async Task<RegistryGrantResult> CallAsync(Func<Task<RegistryGrantResult>> call, string unavailablePrefix)
    {
        try
        {
            return await call();
        }
        catch (KmsException exception) when (exception.Kind == KmsErrorKind.Unavailable)
        {
            throw new RegistryStepException(RegistryOutcome.Unavailable, unavailablePrefix + exception.Message);
        }
    }

    private void RequireApplication(RegistryGrantResult result)
    {
        if (result.Refusal == RegistryRefusal.ApplicationNotAllowed)
        {
            LogApplicationRefused(logger, result.Detail);

            // Byte for byte the Go handler's body: it formats a nil error with %w.
            throw new RegistryStepException(RegistryOutcome.Unauthorized, "application not allowed: %!w(<nil>)");
        }
    }

    private static EthereumAddress ParseContract(string contract) =>
        NamespaceNames.IsContractAddress(contract)
            ? EthereumAddress.Parse(contract)
            : throw new RegistryStepException(RegistryOutcome.BadRequest, "invalid contract address: the address is 0x and 40 lowercase hex characters");

    private RegistryResult<T> Fail<T>(RegistryStepException exception)
        where T : class
    {
        LogRefused(logger, exception.Outcome.ToString(), exception.Message);
        return RegistryResult<T>.Fail(exception.Outcome, exception.Message);
    }

    [LoggerMessage(EventId = 4101, Level = LogLevel.Debug, Message = "Go registry: certificate {Serial} issued in {Namespace} to identity {Identity}.")]
    private static partial void LogIssued(ILogger logger, string @namespace, string identity, string serial);

    [LoggerMessage(EventId = 4102, Level = LogLevel.Information, Message = "Go registry: request refused ({Outcome}): {Reason}")]
    private static partial void LogRefused(ILogger logger, string outcome, string reason);

    [LoggerMessage(EventId = 4103, Level = LogLevel.Information, Message = "Go registry: application not allowed: {Detail}")]
    private static partial void LogApplicationRefused(ILogger logger, string detail);
}
