using Kms.Actors.Hosting;
using Kms.Actors.Membership;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Kms.Actors.Tests;

public sealed class HostingTests
{
    [Fact]
    public async Task AGenericHostRunsASiloWithGrainFactoryAndStatusInDependencyInjection()
    {
        string directory = Path.Combine(Path.GetTempPath(), "kms-actors-" + Guid.NewGuid().ToString("N"));
        try
        {
            HostApplicationBuilder builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
            builder.Services.AddSingleton(new SiloIdentity("embedded"));
            builder.Services.AddKmsSilo(silo =>
            {
                silo.SiloName = "embedded";
                silo.AddGrain<CounterGrain>().AddJsonContext(TestGrainsJsonContext.Default);
                silo.UseFileStorage(directory, storageKey: System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
            });
            using IHost host = builder.Build();
            ISiloStatus status = host.Services.GetRequiredService<ISiloStatus>();
            Assert.False(status.IsActive);

            await host.StartAsync();
            Assert.True(status.IsActive);
            Assert.NotEqual(0, status.Address!.Port);
            IGrainFactory grains = host.Services.GetRequiredService<IGrainFactory>();
            Assert.Equal(2, await grains.GetGrain<ICounterGrain>("hosted").AddAndSaveAsync(2));

            await host.StopAsync();
            Assert.Equal(SiloStatus.Dead, status.Status);
            Assert.Single(Directory.GetFiles(directory));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
