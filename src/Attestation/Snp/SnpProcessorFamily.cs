namespace Kms.Attestation.Snp;

/// <summary>The AMD EPYC generations whose SEV-SNP root keys (ARKs) are pinned.</summary>
public enum SnpProcessorFamily
{
    Milan,
    Genoa,
    Turin,
}

/// <summary>Which key signed an SNP report (the SIGNING_KEY field of the report).</summary>
public enum SnpSigningKey
{
    /// <summary>Versioned Chip Endorsement Key: per chip and TCB, certified by the ASK.</summary>
    Vcek,

    /// <summary>Versioned Loaded Endorsement Key: per cloud provider and TCB, certified by the ASVK.</summary>
    Vlek,
}
