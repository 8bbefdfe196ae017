using System.Globalization;
using System.Text;
using Kms.Grains.Registry;
using Microsoft.AspNetCore.Http;

namespace Kms.Api.Registry;

/// <summary>
/// Writes answers exactly as the Go handlers do: errors as <c>http.Error</c> (text/plain; charset=utf-8, nosniff,
/// message + "\n"), success as <c>json.NewEncoder(w).Encode</c> (application/json, compact, "\n"-terminated;
/// <c>[]byte</c> fields as padded standard base64, <c>[20]byte</c> as 20 JSON numbers).
/// </summary>
internal static class GoRegistryResponses
{
    public static Task WriteErrorAsync(HttpResponse response, int status, string message, CancellationToken cancellationToken)
    {
        SecurityHeaders.Apply(response);
        response.StatusCode = status;
        response.ContentType = "text/plain; charset=utf-8";
        return WriteAsync(response, message + "\n", cancellationToken);
    }

    public static Task WriteJsonAsync(HttpResponse response, string json, CancellationToken cancellationToken)
    {
        SecurityHeaders.Apply(response);
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "application/json";
        return WriteAsync(response, json + "\n", cancellationToken);
    }

    private static Task WriteAsync(HttpResponse response, string text, CancellationToken cancellationToken)
    {
        byte[] body = Encoding.UTF8.GetBytes(text);
        response.ContentLength = body.Length;
        return response.Body.WriteAsync(body, cancellationToken).AsTask();
    }

    public static int Status(RegistryOutcome outcome) => outcome switch
    {
        RegistryOutcome.Ok => StatusCodes.Status200OK,
        RegistryOutcome.BadRequest => StatusCodes.Status400BadRequest,
        RegistryOutcome.Unauthorized => StatusCodes.Status401Unauthorized,
        RegistryOutcome.NotFound => StatusCodes.Status404NotFound,
        RegistryOutcome.NotImplemented => StatusCodes.Status501NotImplemented,
        _ => StatusCodes.Status503ServiceUnavailable,
    };

    /// <summary>The Go <c>AppSecrets</c> JSON (field order as the Go struct declares them).</summary>
    public static string AppSecretsJson(AppSecretsRecord secrets)
    {
        var json = new StringBuilder(4096);
        json.Append("{\"app_privkey\":\"").Append(Convert.ToBase64String(secrets.AppPrivateKeyPem))
            .Append("\",\"tls_cert\":\"").Append(Convert.ToBase64String(secrets.TlsCertificatePem))
            .Append("\",\"operator\":[");
        for (int i = 0; i < secrets.Operator.Length; i++)
        {
            json.Append(i == 0 ? string.Empty : ",").Append(secrets.Operator[i].ToString(CultureInfo.InvariantCulture));
        }

        json.Append("],\"attestation\":\"").Append(Convert.ToBase64String(secrets.Attestation)).Append("\"}");
        return json.ToString();
    }

    /// <summary>The Go <c>PKIResponse</c> JSON.</summary>
    public static string PkiJson(AppPkiRecord pki) =>
        "{\"ca_cert\":\"" + Convert.ToBase64String(pki.CaCertificatePem) +
        "\",\"app_pubkey\":\"" + Convert.ToBase64String(pki.AppPublicKeyPem) +
        "\",\"attestation\":\"" + Convert.ToBase64String(pki.Attestation) + "\"}";
}
