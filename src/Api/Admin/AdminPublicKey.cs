namespace Kms.Api.Admin;

/// <summary>An admin's registered public key: what verifies that admin's signed requests.</summary>
/// <param name="KeyId">The id the admin sends in <c>Kms-Admin-Key</c>.</param>
/// <param name="SubjectPublicKeyInfo">DER SubjectPublicKeyInfo of the admin's ECDSA P-256 key.</param>
public sealed record AdminPublicKey(string KeyId, ReadOnlyMemory<byte> SubjectPublicKeyInfo);
