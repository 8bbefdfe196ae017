namespace Kms.Attestation.Tests;

/// <summary>
/// Locates the shared real-evidence corpus. CI sets KMS_TESTDATA to shared/testdata; a user's clone has no
/// such folder, so tests that need it are skipped there with a message saying why.
/// </summary>
internal static class TestData
{
    public const string VariableName = "KMS_TESTDATA";

    public static string? Root
    {
        get
        {
            string? root = Environment.GetEnvironmentVariable(VariableName);
            return string.IsNullOrWhiteSpace(root) || !Directory.Exists(root) ? null : root;
        }
    }

    /// <summary>The full path of a file under the corpus, e.g. <c>Path("attestation/tdx/x.bin")</c>.</summary>
    public static string Path(string relativePath)
    {
        string root = Root ?? throw new InvalidOperationException($"{VariableName} is not set to the shared testdata folder.");
        return System.IO.Path.Combine(root, relativePath);
    }

    public static byte[] Bytes(string relativePath) => File.ReadAllBytes(Path(relativePath));

    public static string Text(string relativePath) => File.ReadAllText(Path(relativePath));
}

/// <summary>A fact that needs the shared testdata corpus; skipped with a clear message when KMS_TESTDATA is unset.</summary>
public sealed class TestDataFactAttribute : FactAttribute
{
    public TestDataFactAttribute()
    {
        if (TestData.Root is null)
        {
            Skip = $"{TestData.VariableName} is not set to the shared testdata folder (../shared/testdata); real-evidence tests skipped.";
        }
    }
}

/// <summary>A theory that needs the shared testdata corpus; skipped with a clear message when KMS_TESTDATA is unset.</summary>
public sealed class TestDataTheoryAttribute : TheoryAttribute
{
    public TestDataTheoryAttribute()
    {
        if (TestData.Root is null)
        {
            Skip = $"{TestData.VariableName} is not set to the shared testdata folder (../shared/testdata); real-evidence tests skipped.";
        }
    }
}
