using Kms.Api.Admin;
using Microsoft.AspNetCore.Http;

namespace Kms.Api.V1;

/// <summary>The admin who signed the request being served (audit fields of grain state name it).</summary>
internal static class AdminRequestContext
{
    /// <exception cref="ApiProblemException">The route was reached without admin authentication (a wiring fault: 401).</exception>
    public static string AdminOf(HttpContext context) =>
        context.GetKmsAdminKeyId() ?? throw ApiProblemException.Unauthenticated("This route requires a signed admin request.");
}
