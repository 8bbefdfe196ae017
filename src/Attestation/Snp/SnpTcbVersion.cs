namespace Kms.Attestation.Snp;

/// <summary>
/// The security patch levels packed into a 64-bit SEV-SNP TCB_VERSION. The packing depends on the processor family:
/// Milan and Genoa use bootloader@0, TEE@1, SNP@6, microcode@7; Turin uses FMC@0, bootloader@1, TEE@2, SNP@3,
/// microcode@7 (AMD SEV-SNP ABI specification, TCB_VERSION).
/// </summary>
public readonly record struct SnpTcbVersion(byte BootLoader, byte Tee, byte Snp, byte Microcode, byte Fmc = 0)
{
    /// <summary>Unpacks a raw TCB_VERSION as laid out for <paramref name="family"/>.</summary>
    public static SnpTcbVersion FromRaw(ulong raw, SnpProcessorFamily family)
    {
        Span<byte> b = stackalloc byte[8];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(b, raw);
        return family == SnpProcessorFamily.Turin
            ? new SnpTcbVersion(BootLoader: b[1], Tee: b[2], Snp: b[3], Microcode: b[7], Fmc: b[0])
            : new SnpTcbVersion(BootLoader: b[0], Tee: b[1], Snp: b[6], Microcode: b[7]);
    }

    /// <summary>True when every component is at least the corresponding component of <paramref name="minimum"/>.</summary>
    public bool Meets(SnpTcbVersion minimum) =>
        BootLoader >= minimum.BootLoader && Tee >= minimum.Tee && Snp >= minimum.Snp &&
        Microcode >= minimum.Microcode && Fmc >= minimum.Fmc;

    public override string ToString() =>
        $"bl={BootLoader} tee={Tee} snp={Snp} ucode={Microcode} fmc={Fmc}";
}
