using Npgsql;

namespace Kms.Client.Cluster;

/// <summary>The PostgreSQL connection string that silos and clients hand to Orleans' ADO.NET providers.</summary>
public static class PostgresConnectionString
{
    /// <summary>Parses <paramref name="connectionString"/> and sets the session time zone to UTC.</summary>
    /// <exception cref="ArgumentException">It cannot be parsed; the message never repeats it.</exception>
    public static string ForProviders(string connectionString)
    {
        NpgsqlConnectionStringBuilder builder;
        try
        {
            builder = new NpgsqlConnectionStringBuilder(connectionString);
        }
        catch (Exception exception) when (exception is ArgumentException or FormatException or KeyNotFoundException)
        {
            // Npgsql's message can quote the offending part, which may be the password.
            throw new ArgumentException("The PostgreSQL connection string is malformed.");
        }

        // timestamptz columns store instants; a UTC session keeps any timestamp the providers send without a
        // kind from being shifted by the server's local time zone.
        builder.Timezone = "UTC";
        return builder.ConnectionString;
    }
}
