using Kms.Client.Cluster;
using Microsoft.Extensions.DependencyInjection;

namespace Kms.Silo.Tests;

/// <summary>What <see cref="KmsClusterClientExtensions.AddKmsClusterClient"/> refuses before it connects anywhere.</summary>
public sealed class ClusterClientOptionsTests
{
    [Fact]
    public void AMalformedPostgresConnectionString_IsRefused_WithoutEchoingIt()
    {
        const string Password = "hunter2-client-do-not-echo";

        ClusterConfigurationException error = Assert.Throws<ClusterConfigurationException>(() =>
            new ServiceCollection().AddKmsClusterClient(options =>
            {
                options.ClusterId = "c1";
                options.AllowPlaintext = true;
                options.PostgresConnectionString = $"Host=127.0.0.1;Password={Password};Bogus Key=1";
            }));

        Assert.Contains("malformed", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Password, error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void WithoutTls_OnlyAnExplicitPlaintextOptIn_IsAccepted()
    {
        ClusterConfigurationException error = Assert.Throws<ClusterConfigurationException>(() =>
            new ServiceCollection().AddKmsClusterClient(options =>
            {
                options.ClusterId = "c1";
                options.Gateways.Add(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 30000));
            }));

        Assert.Contains("needs TLS", error.Message, StringComparison.Ordinal);
    }
}
