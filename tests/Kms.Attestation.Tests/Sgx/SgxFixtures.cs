using System.Buffers.Binary;
using System.Text;
using Kms.Attestation.Collateral;
using Kms.Attestation.Sgx;
using Kms.Attestation.Tests.Tdx;

namespace Kms.Attestation.Tests.Sgx;

/// <summary>
/// The SGX quotes of the shared corpus and their collateral, turned into collateral cache directories at test time
/// (never copied into the repository).
/// </summary>
internal static class SgxFixtures
{
    /// <summary>dcap-qvl sample/sgx_quote: v3, FMSPC 00A067110000, PCK Processor CA, not debug.</summary>
    public const string DcapQvl = "dcapqvl_sgx_quote_v3.bin";

    /// <summary>SecretNetwork's registration fixture: v3, FMSPC 00906ED50000, PCK Processor CA, debug enclave.</summary>
    public const string SecretNetwork = "secretnetwork_attestation_dcap_sgx_quote_v3.bin";

    /// <summary>Trustee's Occlum quote: v3, FMSPC 00606A000000, PCK Platform CA, debug enclave; no collateral published.</summary>
    public const string TrusteeOcclum = "trustee_occlum_sgx_quote_v3.dat";

    /// <summary>
    /// Inside every window of dcap-qvl's sgx_quote_collateral.json: TCB info 2025-06-19T10:56..07-19, QE identity
    /// 2025-06-19T10:01..07-19, PCK Processor CA CRL 2025-06-19T10:23..07-19, root CRL 2025-03-20..2026-04-03.
    /// </summary>
    public static readonly DateTimeOffset DcapQvlTime = new(2025, 6, 20, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Inside SecretNetwork's CRL windows (root 2023-04-03..2024-04-02, PCK Processor CA 2024-02-22..03-23).</summary>
    public static readonly DateTimeOffset SecretNetworkCrlTime = new(2024, 3, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Inside SecretNetwork's TCB info window (v2, 2021-03-31..04-30).</summary>
    public static readonly DateTimeOffset SecretNetworkTcbInfoTime = new(2021, 4, 15, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Inside SecretNetwork's QE identity window (2021-07-01..07-31).</summary>
    public static readonly DateTimeOffset SecretNetworkQeIdentityTime = new(2021, 7, 15, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Inside the validity of every PCK chain of the three quotes (leaves from 2024-01-28 to 2030-04-26).</summary>
    public static readonly DateTimeOffset ChainTime = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static byte[] Quote(string name) => TestData.Bytes(TdxFixtures.CollateralDir + name);

    public static byte[] ReportData(byte[] quote) => SgxQuote.Parse(quote).ReportData.ToArray();

    public static Task<DirectoryCollateralSource> FromDcapQvlAsync(string directory) =>
        TdxFixtures.FromDcapQvlAsync(directory, "dcapqvl_sgx_quote_collateral.json", TeeType.Sgx, "processor");

    /// <summary>
    /// Fills <paramref name="directory"/> from SecretNetwork's attestation_dcap.collateral: a serialized
    /// sgx_ql_qve_collateral_t (a version word, then the sizes of the PCK CRL issuer chain, root CA CRL, PCK CRL,
    /// TCB info issuer chain, TCB info, QE identity issuer chain and QE identity, then those items, each NUL-terminated;
    /// CRLs in PEM). The windows of its items do not overlap: see the instants above.
    /// </summary>
    public static async Task<DirectoryCollateralSource> FromSecretNetworkAsync(string directory)
    {
        string[] items = SecretNetworkItems();
        DirectoryCollateralSource source = new(directory);
        await source.PutCrlAsync("root", PemCrl(items[1]), default);
        await source.PutCrlAsync("processor", PemCrl(items[2]), default);
        await source.PutTcbInfoAsync(TeeType.Sgx, "00906ed50000", new SignedCollateral(Encoding.UTF8.GetBytes(items[4]), items[3]), default);
        await source.PutQeIdentityAsync(TeeType.Sgx, new SignedCollateral(Encoding.UTF8.GetBytes(items[6]), items[5]), default);
        return source;
    }

    /// <summary>The seven items of SecretNetwork's collateral, without their NUL terminators.</summary>
    public static string[] SecretNetworkItems()
    {
        byte[] raw = TestData.Bytes(TdxFixtures.CollateralDir + "secretnetwork_attestation_dcap.collateral");
        string[] items = new string[7];
        int offset = 32;
        for (int i = 0; i < items.Length; i++)
        {
            int size = (int)BinaryPrimitives.ReadUInt32LittleEndian(raw.AsSpan(4 + (4 * i)));
            items[i] = Encoding.UTF8.GetString(raw, offset, size).TrimEnd('\0');
            offset += size;
        }

        Assert.Equal(raw.Length, offset);
        return items;
    }

    private static byte[] PemCrl(string pem) =>
        System.Security.Cryptography.PemEncoding.TryFind(pem, out System.Security.Cryptography.PemFields fields)
            ? Convert.FromBase64String(pem[fields.Base64Data])
            : throw new InvalidDataException("not a PEM CRL");
}
