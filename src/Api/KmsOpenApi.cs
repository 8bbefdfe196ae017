using System.Reflection;
using Kms.Api.Admin;
using Kms.Crypto.Signing;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Kms.Api;

/// <summary>The OpenAPI document of the KMS API, served at <c>GET /openapi/v1.json</c>.</summary>
public static class KmsOpenApi
{
    /// <summary>The document's name (its URL is <c>/openapi/{name}.json</c>).</summary>
    public const string DocumentName = "v1";

    /// <summary>The path the document is served at.</summary>
    public const string DocumentPath = "/openapi/" + DocumentName + ".json";

    /// <summary>The document's title.</summary>
    public const string Title = "Orleans.Kms API";

    /// <summary>The name of the security scheme of signed admin requests in <c>components.securitySchemes</c>.</summary>
    public const string AdminSecuritySchemeName = "KmsAdminSignature";

    private const string AdminSchemeDescription =
        "Admin requests carry four headers: " + AdminRequestSignature.KeyIdHeader + " (the admin's key id, 1-64 of " +
        "[A-Za-z0-9._-]), " + AdminRequestSignature.TimestampHeader + " (unix seconds), " +
        AdminRequestSignature.NonceHeader + " (unpadded base64url of 16-64 random bytes, new for every request) and " +
        AdminRequestSignature.SignatureHeader + " (unpadded base64url of the 64-byte ECDSA P-256 SHA-256 signature, r||s). " +
        "The signature is over the UTF-8 text \"" + AdminRequestSignature.DomainLine + "\\n\" + key id + \"\\n\" + METHOD + " +
        "\"\\n\" + path and query as sent + \"\\n\" + timestamp + \"\\n\" + nonce + \"\\n\" + lowercase hex SHA-256 of the body. " +
        "The timestamp must be within the server's allowed clock skew and each nonce is accepted once.";

    /// <summary>The version of this build of the API (the assembly's informational version, without build metadata).</summary>
    public static string Version { get; } = ReadVersion();

    internal static void Configure(OpenApiOptions options)
    {
        options.AddDocumentTransformer((document, _, _) =>
        {
            document.Info = new OpenApiInfo
            {
                Title = Title,
                Version = Version,
                Description = "Key management for confidential computing. Errors are RFC 9457 problem details.",
            };
            // The generator fills servers from the request's Host header; relative URLs are right behind any proxy.
            document.Servers = [];
            AddAdminSecurityScheme(document);
            return Task.CompletedTask;
        });
        options.AddOperationTransformer((operation, context, _) =>
        {
            if (!context.Description.ActionDescriptor.EndpointMetadata.Contains(KmsAdminEndpointMetadata.Instance))
            {
                return Task.CompletedTask;
            }

            AddAdminSecurityScheme(context.Document!);
            operation.Security ??= [];
            operation.Security.Add(new OpenApiSecurityRequirement
            {
                [new OpenApiSecuritySchemeReference(AdminSecuritySchemeName, context.Document)] = [],
            });
            operation.Responses ??= [];
            operation.Responses.TryAdd("401", new OpenApiResponse
            {
                Description = "The request is not signed by a registered admin key, is stale, or is a replay (problem details).",
            });
            operation.Responses.TryAdd("413", new OpenApiResponse { Description = "The body is larger than admin requests may be." });
            return Task.CompletedTask;
        });
    }

    private static void AddAdminSecurityScheme(OpenApiDocument document)
    {
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes[AdminSecuritySchemeName] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.ApiKey,
            In = ParameterLocation.Header,
            Name = AdminRequestSignature.SignatureHeader,
            Description = AdminSchemeDescription,
        };
    }

    private static string ReadVersion()
    {
        Assembly assembly = typeof(KmsOpenApi).Assembly;
        string? version = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
            ?? assembly.GetName().Version?.ToString();
        return version is null ? "0.0.0" : version.Split('+')[0];
    }
}
