namespace Kms.Crypto.Signing;

/// <summary>The outcome of checking a signed admin request: valid, or why not, in words safe to show the client.</summary>
/// <param name="Failure"><see cref="AdminSignatureFailure.None"/> when the check passed.</param>
/// <param name="Message">What is wrong, without echoing any header value; empty when the check passed.</param>
public readonly record struct AdminSignatureCheck(AdminSignatureFailure Failure, string Message)
{
    /// <summary>The check passed.</summary>
    public static AdminSignatureCheck Valid => new(AdminSignatureFailure.None, string.Empty);

    /// <summary><see langword="true"/> when the check passed.</summary>
    public bool IsValid => Failure == AdminSignatureFailure.None;

    internal static AdminSignatureCheck Fail(AdminSignatureFailure failure, string message) => new(failure, message);
}
