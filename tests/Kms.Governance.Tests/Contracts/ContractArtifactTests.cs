using Kms.Governance.Contracts;

namespace Kms.Governance.Tests.Contracts;

public sealed class ContractArtifactTests : IDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), "kms-artifact-" + Guid.NewGuid().ToString("N") + ".json");

    public void Dispose() => File.Delete(_path);

    [Theory]
    [InlineData("not json")]
    [InlineData("{\"contractName\":\"A\",\"abi\":[]")]
    [InlineData("[]")]
    [InlineData("{\"abi\":[],\"bytecode\":\"0x00\"}")]
    [InlineData("{\"contractName\":null,\"abi\":[],\"bytecode\":\"0x00\"}")]
    [InlineData("{\"contractName\":\"A\",\"abi\":[],\"bytecode\":\"0x0\"}")]
    [InlineData("{\"contractName\":\"A\",\"abi\":[],\"bytecode\":7}")]
    public void MalformedArtifact_IsAFormatException(string content)
    {
        File.WriteAllText(_path, content);

        Assert.Throws<FormatException>(() => ContractArtifact.Load(_path));
    }

    [Fact]
    public void WellFormedArtifact_Loads()
    {
        File.WriteAllText(_path, "{\"contractName\":\"A\",\"abi\":[],\"bytecode\":\"0x6001\"}");

        ContractArtifact artifact = ContractArtifact.Load(_path);

        Assert.Equal("A", artifact.ContractName);
        Assert.Equal([0x60, 0x01], artifact.Bytecode);
    }
}
