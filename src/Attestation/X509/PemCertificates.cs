using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Kms.Attestation.X509;

/// <summary>Reads PEM certificate chains (as Intel embeds them in quotes and serves them in issuer-chain headers).</summary>
public static class PemCertificates
{
    /// <summary>Upper bound on certificates in one chain; real chains hold 2 or 3.</summary>
    public const int MaxCertificates = 8;

    /// <summary>Parses every CERTIFICATE block, in order. Throws a Malformed <see cref="AttestationException"/> on bad input.</summary>
    public static X509Certificate2[] Parse(ReadOnlySpan<byte> pemUtf8)
    {
        // The QE pads the chain with a trailing NUL; PEM text is ASCII, anything else is refused by the decoder below.
        int end = pemUtf8.Length;
        while (end > 0 && pemUtf8[end - 1] == 0)
        {
            end--;
        }

        string text;
        try
        {
            text = new UTF8Encoding(false, true).GetString(pemUtf8[..end]);
        }
        catch (DecoderFallbackException ex)
        {
            throw new AttestationException(AttestationFailureKind.Malformed, "The PEM certificate chain is not valid text.", ex);
        }

        return Parse(text);
    }

    /// <summary>Parses every CERTIFICATE block, in order.</summary>
    public static X509Certificate2[] Parse(string pem)
    {
        List<X509Certificate2> certificates = [];
        ReadOnlySpan<char> rest = pem;
        while (PemEncoding.TryFind(rest, out PemFields fields))
        {
            if (rest[fields.Label].SequenceEqual("CERTIFICATE"))
            {
                if (certificates.Count == MaxCertificates)
                {
                    throw AttestationException.Malformed($"The certificate chain holds more than {MaxCertificates} certificates.");
                }

                byte[] der = new byte[fields.DecodedDataLength];
                if (!Convert.TryFromBase64Chars(rest[fields.Base64Data], der, out int written))
                {
                    throw AttestationException.Malformed("A PEM certificate is not valid base64.");
                }

                certificates.Add(Load(der.AsSpan(0, written)));
            }

            rest = rest[fields.Location.End.Value..];
        }

        if (certificates.Count == 0)
        {
            throw AttestationException.Malformed("The PEM certificate chain holds no certificate.");
        }

        return [.. certificates];
    }

    /// <summary>Loads one DER certificate.</summary>
    public static X509Certificate2 Load(ReadOnlySpan<byte> der)
    {
        try
        {
            return X509CertificateLoader.LoadCertificate(der);
        }
        catch (CryptographicException ex)
        {
            throw new AttestationException(AttestationFailureKind.Malformed, "A certificate is not valid DER.", ex);
        }
    }
}
