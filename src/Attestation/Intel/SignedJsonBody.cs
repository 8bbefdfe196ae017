using System.Text.Json;

namespace Kms.Attestation.Intel;

/// <summary>
/// Splits an Intel PCS JSON response (<c>{"tcbInfo":{...},"signature":"hex"}</c> or the "enclaveIdentity" form) into the
/// exact bytes of the signed member as served and the raw r‖s signature. Intel signs those bytes, not a re-serialization.
/// </summary>
public static class SignedJsonBody
{
    /// <summary>Upper bound on a PCS JSON body; real ones are a few kilobytes.</summary>
    public const int MaxBodyLength = 1 << 20;

    /// <summary>Returns the raw bytes of member <paramref name="signedMember"/> and the decoded 64-byte signature.</summary>
    public static (ReadOnlyMemory<byte> Signed, byte[] Signature) Split(ReadOnlyMemory<byte> body, string signedMember)
    {
        if (body.Length > MaxBodyLength)
        {
            throw AttestationException.Malformed($"The collateral body is larger than {MaxBodyLength} bytes.");
        }

        ReadOnlyMemory<byte>? signed = null;
        byte[]? signature = null;
        try
        {
            Utf8JsonReader reader = new(body.Span, new JsonReaderOptions { MaxDepth = 16 });
            Expect(reader.Read() && reader.TokenType == JsonTokenType.StartObject);
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                string name = reader.GetString()!;
                Expect(reader.Read());
                if (name == signedMember)
                {
                    Expect(signed is null && reader.TokenType == JsonTokenType.StartObject);
                    int start = (int)reader.TokenStartIndex;
                    reader.Skip();
                    signed = body[start..(int)reader.BytesConsumed];
                }
                else if (name == "signature")
                {
                    Expect(signature is null && reader.TokenType == JsonTokenType.String);
                    signature = Convert.FromHexString(reader.GetString()!);
                }
                else
                {
                    reader.Skip();
                }
            }

            Expect(reader.TokenType == JsonTokenType.EndObject);
            Expect(!reader.Read());
        }
        catch (Exception ex) when (ex is JsonException or FormatException or InvalidOperationException)
        {
            throw new AttestationException(AttestationFailureKind.Malformed, $"The {signedMember} collateral is not valid JSON.", ex);
        }

        if (signed is null || signature is not { Length: 64 })
        {
            throw AttestationException.Malformed($"The collateral lacks the '{signedMember}' object or a 64-byte signature.");
        }

        return (signed.Value, signature);
    }

    private static void Expect(bool condition)
    {
        if (!condition)
        {
            throw new JsonException("unexpected JSON structure");
        }
    }
}
