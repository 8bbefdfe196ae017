using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Kms.Api.Admin;

/// <summary>Requires signed admin requests on endpoints, and registers what checks them.</summary>
public static class KmsAdminEndpointExtensions
{
    /// <summary>
    /// The <see cref="HttpContext.Items"/> key under which an authenticated admin request carries the admin's key id
    /// (a <see cref="string"/>); read it with <see cref="GetKmsAdminKeyId"/>.
    /// </summary>
    public const string AdminKeyIdItemKey = "Kms.Admin.KeyId";

    /// <summary>
    /// Registers admin request authentication: the options, <see cref="TimeProvider.System"/> and
    /// <see cref="InMemoryAdminNonceStore"/> unless the host registered its own. The host must register an
    /// <see cref="IAdminKeyStore"/>. <see cref="KmsApiExtensions.AddKmsApi"/> calls this without options.
    /// </summary>
    public static IServiceCollection AddKmsAdminAuthentication(
        this IServiceCollection services, Action<AdminAuthenticationOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        OptionsBuilder<AdminAuthenticationOptions> options = services.AddOptions<AdminAuthenticationOptions>()
            .Validate(static o => o.Validate() is null, "Invalid AdminAuthenticationOptions: see their documented limits.");
        if (configure is not null)
        {
            options.Configure(configure);
        }

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IAdminNonceStore, InMemoryAdminNonceStore>();
        services.TryAddSingleton<AdminRequestAuthenticator>();
        return services;
    }

    /// <summary>
    /// Requires every request to these endpoints to be signed by a registered admin key (headers <c>Kms-Admin-Key</c>,
    /// <c>Kms-Timestamp</c>, <c>Kms-Nonce</c>, <c>Kms-Signature</c>), fresh and not replayed. The check runs before the
    /// endpoint binds its parameters, on a body buffered up to <see cref="AdminAuthenticationOptions.MaxBodyBytes"/>.
    /// Failures: 401 problem with <c>WWW-Authenticate: KMS-Admin-Signature</c>; 413 for a larger body; 503 when the
    /// nonce store cannot record the nonce. Works on one endpoint or a whole group; applying it twice checks once.
    /// </summary>
    public static TBuilder RequireKmsAdmin<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Add(static endpoint =>
        {
            if (endpoint.Metadata.Contains(KmsAdminEndpointMetadata.Instance))
            {
                return; // A group already wraps it; checking twice would spend the nonce twice.
            }

            endpoint.Metadata.Add(KmsAdminEndpointMetadata.Instance);
            // The endpoint's own delegate binds the body, so the check wraps it rather than being an endpoint filter
            // (filters run after binding).
            RequestDelegate inner = endpoint.RequestDelegate
                ?? throw new InvalidOperationException($"Endpoint '{endpoint.DisplayName}' has no request delegate.");
            endpoint.RequestDelegate = async context =>
            {
                AdminRequestAuthenticator authenticator = context.RequestServices.GetService<AdminRequestAuthenticator>()
                    ?? throw new InvalidOperationException(
                        $"Admin endpoints need {nameof(AddKmsAdminAuthentication)} (or AddKmsApi) in the services.");
                if (await authenticator.AuthenticateAsync(context))
                {
                    await inner(context);
                }
            };
        });
        return builder;
    }

    /// <summary>The key id of the admin who signed this request, or <see langword="null"/> when it was not authenticated.</summary>
    public static string? GetKmsAdminKeyId(this HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Items.TryGetValue(AdminKeyIdItemKey, out object? value) ? value as string : null;
    }
}
