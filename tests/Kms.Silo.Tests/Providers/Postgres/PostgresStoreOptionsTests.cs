using Kms.Silo.Providers.Postgres;
using Npgsql;

namespace Kms.Silo.Tests.Providers.Postgres;

public sealed class PostgresStoreOptionsTests
{
    [Fact]
    public void Defaults_ApplyTheSchemaUseRemindersAndTheDefaultStorage()
    {
        var options = new PostgresStoreOptions();

        Assert.True(options.ApplySchemaOnStart);
        Assert.True(options.UseReminders);
        Assert.Equal("Default", options.GrainStorageName);
        Assert.Equal(TimeSpan.FromMinutes(2), options.SchemaTimeout);
        Assert.Throws<ArgumentException>(options.Validate);
    }

    [Fact]
    public void ProviderConnectionString_KeepsTheSettingsAndForcesAUtcSession()
    {
        var options = new PostgresStoreOptions { ConnectionString = "Host=db.internal;Port=6543;Database=kms;Username=kms;Password=pw;Timezone=Europe/Paris" };

        var parsed = new NpgsqlConnectionStringBuilder(options.ToProviderConnectionString());

        Assert.Equal("db.internal", parsed.Host);
        Assert.Equal(6543, parsed.Port);
        Assert.Equal("pw", parsed.Password);
        Assert.Equal("UTC", parsed.Timezone);
    }

    [Theory]
    [InlineData("Host=h;Password=hunter2-secret;NoSuchKeyword=1")]
    [InlineData("Host=h;Password=hunter2-secret;Port=notaport")]
    [InlineData("Password=hunter2-secret;=x")]
    public void AMalformedConnectionString_IsRefusedWithoutQuotingIt(string connectionString)
    {
        var options = new PostgresStoreOptions { ConnectionString = connectionString };

        var error = Assert.Throws<ArgumentException>(options.Validate);

        Assert.DoesNotContain("hunter2", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void EmptyStorageNameOrNonPositiveTimeout_IsRefused()
    {
        Assert.Throws<ArgumentException>(new PostgresStoreOptions { ConnectionString = "Host=h", GrainStorageName = " " }.Validate);
        Assert.Throws<ArgumentException>(new PostgresStoreOptions { ConnectionString = "Host=h", SchemaTimeout = TimeSpan.Zero }.Validate);
        new PostgresStoreOptions { ConnectionString = "Host=h" }.Validate();
    }
}
