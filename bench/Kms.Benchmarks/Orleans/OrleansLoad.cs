using Kms.Client.Cluster.Azure;
using System.Net;
using System.Security.Cryptography;
using Kms.Grains.Hosting;
using Kms.Silo.Providers.Azure;
using Kms.Silo.Providers.Postgres;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Kms.Benchmarks.Orleans;

/// <summary>
/// Load runs of the Orleans runtime as the KMS configures it, with throughput and p50/p99 over every call:
/// <code>
/// dotnet run -c Release --project bench/Kms.Benchmarks -- grain-calls in-silo [callers] [seconds]
/// dotnet run -c Release --project bench/Kms.Benchmarks -- grain-calls client [callers] [seconds]
/// dotnet run -c Release --project bench/Kms.Benchmarks -- storage-writes files [callers] [seconds]
/// dotnet run -c Release --project bench/Kms.Benchmarks -- storage-writes postgres "Host=…;Database=…" [callers] [seconds]
/// dotnet run -c Release --project bench/Kms.Benchmarks -- storage-writes azure "&lt;Azurite connection string&gt;" [callers] [seconds]
/// </code>
/// </summary>
internal static class OrleansLoad
{
    private static readonly TimeSpan s_warmup = TimeSpan.FromSeconds(3);

    public static bool Handles(string[] args) => args.Length > 0 && args[0] is "grain-calls" or "storage-writes";

    public static async Task<int> RunAsync(string[] args)
    {
        try
        {
            return args[0] == "grain-calls" ? await GrainCallsAsync(args[1..]) : await StorageWritesAsync(args[1..]);
        }
        catch (IndexOutOfRangeException)
        {
            Console.Error.WriteLine("Usage: see the comment on bench/Kms.Benchmarks/Orleans/OrleansLoad.cs");
            return 2;
        }
    }

    private static async Task<int> GrainCallsAsync(string[] args)
    {
        string mode = args[0];
        int callers = args.Length > 1 ? int.Parse(args[1]) : 256;
        TimeSpan duration = TimeSpan.FromSeconds(args.Length > 2 ? int.Parse(args[2]) : 10);
        var hosts = new List<IHost>();
        try
        {
            IGrainFactory grains;
            if (mode == "in-silo")
            {
                IHost silo = await StartSiloAsync(11211, 30200, primary: null, configure: null);
                hosts.Add(silo);
                grains = silo.Services.GetRequiredService<IGrainFactory>();
            }
            else
            {
                var primary = new IPEndPoint(IPAddress.Loopback, 11211);
                hosts.Add(await StartSiloAsync(11211, 30200, primary, configure: null));
                hosts.Add(await StartSiloAsync(11212, 30201, primary, configure: null));
                IHost client = await StartClientAsync(30200, 30201);
                hosts.Add(client);
                grains = client.Services.GetRequiredService<IClusterClient>();
            }

            IEchoGrain[] targets = Enumerable.Range(0, 1024).Select(i => grains.GetGrain<IEchoGrain>(i)).ToArray();
            LoadResult result = await LatencyRecorder.RunAsync(callers, s_warmup, duration,
                caller => targets[(caller * 7 + Environment.TickCount) & 1023].EchoAsync(caller));
            Console.WriteLine($"grain calls, {mode}, {callers} callers: {result}");
            return 0;
        }
        finally
        {
            await StopAllAsync(hosts);
        }
    }

    private static async Task<int> StorageWritesAsync(string[] args)
    {
        string store = args[0];
        int next = store == "files" ? 1 : 2;
        int callers = args.Length > next ? int.Parse(args[next]) : 64;
        TimeSpan duration = TimeSpan.FromSeconds(args.Length > next + 1 ? int.Parse(args[next + 1]) : 10);
        string directory = Directory.CreateTempSubdirectory("kms-bench-").FullName;
        byte[] key = RandomNumberGenerator.GetBytes(32);
        const string StoreName = "bench-store";
        IHost silo = await StartSiloAsync(11211, 0, primary: null, configure: builder =>
        {
            switch (store)
            {
                case "files":
                    builder.AddFileGrainStorage(StoreName, files => files.Directory = directory);
                    break;
                case "postgres":
                    builder.UseKmsPostgres(postgres =>
                    {
                        postgres.ConnectionString = args[1];
                        postgres.GrainStorageName = StoreName;
                        postgres.UseReminders = false;
                    });
                    break;
                case "azure":
                    // Only the Blob grain storage is measured; membership stays the bench silo's own.
                    builder.AddKmsAzureBlobGrainStorage(new AzureStoreOptions { ConnectionString = args[1] }, StoreName);
                    break;
                default:
                    throw new ArgumentException($"Unknown store '{store}': files, postgres or azure.");
            }

            builder.AddKmsGrains(key, StoreName);
        });
        try
        {
            IGrainFactory grains = silo.Services.GetRequiredService<IGrainFactory>();
            long run = Environment.TickCount64;
            LoadResult result = await LatencyRecorder.RunAsync(callers, s_warmup, duration,
                caller => grains.GetGrain<ICounterGrain>(run * 10_000 + caller).IncrementAsync());
            Console.WriteLine($"persisted writes, {store}, {callers} writers: {result}");
            return 0;
        }
        finally
        {
            await StopAllAsync([silo]);
            Directory.Delete(directory, recursive: true);
        }
    }

    private static async Task<IHost> StartSiloAsync(int siloPort, int gatewayPort, IPEndPoint? primary, Action<ISiloBuilder>? configure)
    {
        HostApplicationBuilder builder = Host.CreateApplicationBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.UseOrleans(silo =>
        {
            silo.UseLocalhostClustering(siloPort, gatewayPort, primary);
            configure?.Invoke(silo);
        });
        IHost host = builder.Build();
        await host.StartAsync();
        return host;
    }

    private static async Task<IHost> StartClientAsync(params int[] gatewayPorts)
    {
        HostApplicationBuilder builder = Host.CreateApplicationBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.UseOrleansClient(client => client.UseLocalhostClustering(gatewayPorts));
        IHost host = builder.Build();
        await host.StartAsync();
        return host;
    }

    private static async Task StopAllAsync(IEnumerable<IHost> hosts)
    {
        foreach (IHost host in hosts.Reverse())
        {
            await host.StopAsync();
            host.Dispose();
        }
    }
}
