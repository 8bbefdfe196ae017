namespace Kms.Crypto.Signing;

/// <summary>The four header values of a signed admin request, as text exactly as sent.</summary>
/// <param name="KeyId"><c>Kms-Admin-Key</c>: the admin's key id.</param>
/// <param name="Timestamp"><c>Kms-Timestamp</c>: unix seconds, canonical decimal.</param>
/// <param name="Nonce"><c>Kms-Nonce</c>: unpadded base64url of 16–64 random bytes.</param>
/// <param name="Signature"><c>Kms-Signature</c>: unpadded base64url of the 64-byte P-256 signature (r‖s).</param>
public sealed record AdminRequestHeaders(string KeyId, string Timestamp, string Nonce, string Signature);
