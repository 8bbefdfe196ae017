namespace Kms.Api.Admin;

/// <summary>Marks an endpoint that requires a signed admin request (read by the OpenAPI document).</summary>
public sealed class KmsAdminEndpointMetadata
{
    private KmsAdminEndpointMetadata()
    {
    }

    /// <summary>The one instance.</summary>
    public static KmsAdminEndpointMetadata Instance { get; } = new();
}
