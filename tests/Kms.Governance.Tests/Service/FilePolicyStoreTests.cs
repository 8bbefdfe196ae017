using System.Text;
using Kms.Governance.Policy;
using Kms.Governance.Service;
using static Kms.Governance.Tests.Policy.PolicyTestKeys;

namespace Kms.Governance.Tests.Service;

public sealed class FilePolicyStoreTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "kms-policy-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task Policies_SurviveANewStoreInstance_AndSerialIsChecked()
    {
        var time = new ManualTimeProvider(DateTimeOffset.FromUnixTimeSeconds(1_700_000_000));
        var governance = new PolicyDocumentGovernance(new PolicyVerifier(EdSet(2, 0, 1, 2)), new FilePolicyStore(_directory), time);
        Assert.True((await governance.ApplyAsync("payments", SignedEd(1, 0, 1))).IsAccepted);
        Assert.True((await governance.ApplyAsync("payments", SignedEd(2, 1, 2))).IsAccepted);

        var reopened = new PolicyDocumentGovernance(new PolicyVerifier(EdSet(2, 0, 1, 2)), new FilePolicyStore(_directory), time);
        Assert.Equal(2UL, (await reopened.CheckIdentityAsync("payments", WorkloadIdentity.ParseHex(Identity1))).SourceVersion);
        Assert.Equal(PolicyRejectionReason.SerialNotIncreasing, (await reopened.ApplyAsync("payments", SignedEd(2, 0, 1))).Reason);

        var store = new FilePolicyStore(_directory);
        Assert.False(await store.TryReplaceAsync("payments", 1, new StoredPolicy(3, SignedEd(3, 0, 1)), CancellationToken.None));
        Assert.Null(await store.LoadAsync("billing", CancellationToken.None));
        Assert.Empty(Directory.GetFiles(_directory, "*.tmp"));
    }

    [Fact]
    public async Task CorruptFile_FailsClosed()
    {
        var store = new FilePolicyStore(_directory);
        await File.WriteAllTextAsync(Path.Combine(_directory, "payments.policy.json"), "{\"policy\":", Encoding.UTF8);
        await Assert.ThrowsAsync<InvalidDataException>(() => store.LoadAsync("payments", CancellationToken.None));

        var governance = new PolicyDocumentGovernance(new PolicyVerifier(EdSet(2, 0, 1, 2)), store, TimeProvider.System);
        await Assert.ThrowsAsync<GovernanceUnavailableException>(() => governance.CheckIdentityAsync("payments", WorkloadIdentity.ParseHex(Identity1)).AsTask());
    }

    [Theory]
    [InlineData("../etc")]
    [InlineData("/abs")]
    [InlineData("")]
    [InlineData(".hidden")]
    public async Task NamespaceNames_CannotEscapeTheDirectory(string name)
    {
        var store = new FilePolicyStore(_directory);
        await Assert.ThrowsAsync<ArgumentException>(() => store.LoadAsync(name, CancellationToken.None));
    }

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }
}
