using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Orleans.Dashboard;

namespace Kms.Silo;

/// <summary>Serves the Orleans Dashboard on its own loopback port, and only there.</summary>
internal static class SiloDashboard
{
    public const string PathPrefix = "/dashboard";

    public static string ListenUrl(int port) => $"http://127.0.0.1:{port}";

    public static void Map(WebApplication app, int port)
    {
        // Routing matches the Host header, which a client chooses; the local port of the connection it cannot.
        app.Use((context, next) =>
        {
            bool onDashboardPort = context.Connection.LocalPort == port;
            bool dashboardPath = context.Request.Path.StartsWithSegments(PathPrefix, StringComparison.OrdinalIgnoreCase);
            if (onDashboardPort != dashboardPath)
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return Task.CompletedTask;
            }

            return next(context);
        });
        app.MapOrleansDashboard(PathPrefix);
    }
}
