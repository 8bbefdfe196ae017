using System.Text;
using Kms.Attestation.Collateral;
using Kms.Attestation.Tests.Tdx;

namespace Kms.Attestation.Tests.Collateral;

public sealed class DirectoryCollateralSourceTests
{
    [Fact]
    public async Task StoredItemsAreReadBackAtTheDocumentedPaths()
    {
        using TempDirectory dir = new();
        DirectoryCollateralSource source = new(dir.Path);
        SignedCollateral tcb = new(Encoding.UTF8.GetBytes("{\"tcbInfo\":{}}"), "chain");
        await source.PutTcbInfoAsync(TeeType.Tdx, "B0C06F000000", tcb, default);
        await source.PutQeIdentityAsync(TeeType.Tdx, new SignedCollateral(new byte[] { 1 }, "qe-chain"), default);
        await source.PutCrlAsync("processor", new byte[] { 2 }, default);
        byte[] chipId = Enumerable.Range(0, 64).Select(i => (byte)i).ToArray();
        await source.PutVcekAsync("Genoa", chipId, 0x1500000000000004, new byte[] { 3 }, default);
        await source.PutJwksAsync("https://sharedeus.eus.attest.azure.net", "{\"keys\":[]}", default);

        Assert.True(File.Exists(Path.Combine(dir.Path, "intel", "tdx", "tcbinfo", "b0c06f000000.json")));
        Assert.True(File.Exists(Path.Combine(dir.Path, "intel", "tdx", "tcbinfo", "b0c06f000000.issuer-chain.pem")));
        Assert.True(File.Exists(Path.Combine(dir.Path, "intel", "crl", "processor.der")));
        Assert.True(File.Exists(Path.Combine(dir.Path, "amd", "vcek", "Genoa", Convert.ToHexStringLower(chipId), "1500000000000004.der")));

        SignedCollateral? read = await source.GetTcbInfoAsync(TeeType.AzureTdx, "b0c06f000000", default);
        Assert.Equal(tcb.Body.ToArray(), read!.Body.ToArray());
        Assert.Equal("chain", read.IssuerChainPem);
        Assert.Equal("qe-chain", (await source.GetQeIdentityAsync(TeeType.Tdx, default))!.IssuerChainPem);
        Assert.Equal(new byte[] { 2 }, (await source.GetCrlAsync("processor", default))!.Value.ToArray());
        Assert.Equal(new byte[] { 3 }, (await source.GetVcekAsync("Genoa", chipId, 0x1500000000000004, default))!.Value.ToArray());
        Assert.Equal("{\"keys\":[]}", await source.GetJwksAsync("https://sharedeus.eus.attest.azure.net", default));
        Assert.Empty(Directory.GetFiles(dir.Path, "*.tmp", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task SgxAndTdxCollateralLiveApart()
    {
        using TempDirectory dir = new();
        DirectoryCollateralSource source = new(dir.Path);
        await source.PutTcbInfoAsync(TeeType.Sgx, "00A067110000", new SignedCollateral(new byte[] { 1 }, "sgx-tcb-chain"), default);
        await source.PutQeIdentityAsync(TeeType.Sgx, new SignedCollateral(new byte[] { 2 }, "sgx-qe-chain"), default);

        Assert.True(File.Exists(Path.Combine(dir.Path, "intel", "sgx", "tcbinfo", "00a067110000.json")));
        Assert.True(File.Exists(Path.Combine(dir.Path, "intel", "sgx", "qe-identity.issuer-chain.pem")));
        Assert.Equal("sgx-tcb-chain", (await source.GetTcbInfoAsync(TeeType.Sgx, "00a067110000", default))!.IssuerChainPem);
        Assert.Equal(new byte[] { 2 }, (await source.GetQeIdentityAsync(TeeType.Sgx, default))!.Body.ToArray());
        Assert.Null(await source.GetTcbInfoAsync(TeeType.Tdx, "00a067110000", default));
        Assert.Null(await source.GetQeIdentityAsync(TeeType.Tdx, default));
        Assert.Null(await source.GetQeIdentityAsync(TeeType.SevSnp, default));
        await Assert.ThrowsAsync<ArgumentException>(() => source.PutQeIdentityAsync(TeeType.SevSnp, new SignedCollateral(new byte[] { 2 }, "x"), default));
    }

    [Fact]
    public async Task AbsentItemsAreNullNotEmpty()
    {
        using TempDirectory dir = new();
        DirectoryCollateralSource source = new(dir.Path);
        Assert.Null(await source.GetCrlAsync("root", default));
        Assert.Null(await source.GetVcekAsync("Milan", new byte[64], 1, default));
        Assert.Null(await source.GetTcbInfoAsync(TeeType.Tdx, "00806f050000", default));
        Assert.Null(await source.GetQeIdentityAsync(TeeType.Tdx, default));
        Assert.Null(await source.GetJwksAsync("https://example", default));
    }

    [Theory]
    [InlineData("../../../etc")]
    [InlineData("b0c06f00000")]
    [InlineData("b0c06f00000g")]
    [InlineData("..%2f..%2fxx")]
    public async Task HostileNamesNeverReachTheFileSystem(string fmspc)
    {
        using TempDirectory dir = new();
        DirectoryCollateralSource source = new(dir.Path);
        Assert.Null(await source.GetTcbInfoAsync(TeeType.Tdx, fmspc, default));
        Assert.Null(await source.GetCrlAsync("../root", default));
        Assert.Null(await source.GetVcekAsync("../Milan", new byte[64], 1, default));
        Assert.Null(await source.GetTcbInfoAsync(TeeType.SevSnp, "b0c06f000000", default));
        await Assert.ThrowsAsync<ArgumentException>(() => source.PutCrlAsync("../x", new byte[1], default));
    }

    [Fact]
    public async Task AFileReplacedBehindTheSourcesBackIsSeenWithinTheRecheckInterval()
    {
        using Kms.Attestation.Tests.Tdx.TempDirectory dir = new();
        DirectoryCollateralSource source = new(dir.Path);
        await source.PutCrlAsync("root", new byte[] { 1, 2, 3 }, default);
        ReadOnlyMemory<byte> first = (await source.GetCrlAsync("root", default))!.Value;
        Assert.True(first.Span.SequenceEqual(new byte[] { 1, 2, 3 }));

        // Another process replaces the file: seen once the recheck interval has passed.
        string path = Path.Combine(dir.Path, "intel", "crl", "root.der");
        await File.WriteAllBytesAsync(path + ".new", new byte[] { 4, 5, 6, 7 });
        File.Move(path + ".new", path, overwrite: true);
        await Task.Delay(CollateralFileCache.RecheckInterval + TimeSpan.FromMilliseconds(200));
        Assert.True((await source.GetCrlAsync("root", default))!.Value.Span.SequenceEqual(new byte[] { 4, 5, 6, 7 }));

        // Written through any source of the process: seen at once, also by other instances.
        await new DirectoryCollateralSource(dir.Path).PutCrlAsync("root", new byte[] { 8 }, default);
        Assert.True((await source.GetCrlAsync("root", default))!.Value.Span.SequenceEqual(new byte[] { 8 }));
        File.Delete(path);
        await Task.Delay(CollateralFileCache.RecheckInterval + TimeSpan.FromMilliseconds(200));
        Assert.Null(await source.GetCrlAsync("root", default));
    }
}
