using Kms.Api;
using Kms.Client.Cluster;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Kms.Silo;

/// <summary>The composition root: builds a silo (Orleans silo + HTTP API in one host) from its launch context.</summary>
public static class KmsSiloHost
{
    /// <summary>
    /// Builds the silo without starting it. Reads and validates the options, prepares the data directory and the
    /// storage key, and prints the development-mode banner to <paramref name="diagnostics"/> when in dev mode.
    /// </summary>
    /// <param name="launch">Arguments, environment and directories of this start.</param>
    /// <param name="commandLine">The parsed command line.</param>
    /// <param name="diagnostics">Where the development banner goes (stderr for the executable).</param>
    /// <param name="configure">Last-moment additions to the builder (tests add services here).</param>
    /// <param name="configureSilo">Additions to the Orleans silo (tests add options here).</param>
    /// <exception cref="SiloStartupException">The configuration is invalid or the data directory/key is unusable.</exception>
    public static WebApplication Build(
        SiloLaunchContext launch,
        SiloCommandLine commandLine,
        TextWriter diagnostics,
        Action<WebApplicationBuilder>? configure = null,
        Action<ISiloBuilder>? configureSilo = null)
    {
        ArgumentNullException.ThrowIfNull(launch);
        ArgumentNullException.ThrowIfNull(commandLine);
        ArgumentNullException.ThrowIfNull(diagnostics);

        WebApplicationBuilder builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = [],
            ContentRootPath = Path.GetFullPath(launch.BaseDirectory),
            // Never "Development": ASP.NET would add its developer exception page, which shows stack traces.
            EnvironmentName = Environments.Production,
        });

        // Only the documented sources; the defaults would also read every unprefixed environment variable.
        builder.Configuration.Sources.Clear();
        builder.Configuration.AddKmsSiloSources(launch, commandLine);

        KmsSiloOptions options = KmsSiloOptionsSetup.Load(builder.Configuration, launch.WorkingDirectory);
        PrepareDataDirectory(options.DataDirectory!);

        ConfigureHost(builder, options, launch.WorkingDirectory);
        if (options.Dev)
        {
            DevModeBanner.Write(diagnostics, options);
        }
        else if (options.AcceptsDevEvidence)
        {
            DevModeBanner.WriteDevEvidence(diagnostics, options);
        }

        DataDirectoryLock dataLock = DataDirectoryLock.Acquire(options.DataDirectory!);
        ClusterTlsMaterial? tls = null;
        WebApplication? app = null;
        try
        {
            tls = LoadTls(options);
            // The silo keeps its own copy of the key; ours is zeroed when this scope ends.
            using SiloStorageKey storageKey = SiloStorageKey.Load(options.StorageKeyFile!, createIfMissing: options.Dev);
            using SiloStorageKey sealingKey = SiloStorageKey.Load(options.SealingKeyFile!, createIfMissing: true);
            if (options.SiloPort == 0)
            {
                options.SiloPort = FreeTcpPort.Pick(options.AdvertisedAddress);
            }

            ListenPorts.EnsureFree(options, ListenUrls(options));

            SiloRuntime.Add(builder, options, new SiloRuntimeKeys(storageKey.Key, sealingKey.Key), tls, configureSilo);

            // Registered by factory so that the container disposes them (releases the lock) with the silo.
            builder.Services.AddSingleton(_ => dataLock);
            if (tls is not null)
            {
                ClusterTlsMaterial material = tls;
                builder.Services.AddSingleton(_ => material);
            }

            configure?.Invoke(builder);

            app = builder.Build();
            _ = app.Services.GetRequiredService<DataDirectoryLock>();
            _ = app.Services.GetRequiredService<Kms.Grains.Release.EvidenceVerifierSet>(); // fails fast, creates the dev evidence key
            if (options.Onboarding.SubmitOnStart && app.Services.GetService<Kms.Attestation.Providers.IEvidenceProvider>() is null)
            {
                throw new SiloStartupException(
                    "Silo:Onboarding:SubmitOnStart (--request-onboarding) needs evidence of this silo's TEE, and no evidence provider is configured.");
            }

            if (tls is not null)
            {
                _ = app.Services.GetRequiredService<ClusterTlsMaterial>();
            }

            app.UseKmsApiErrorHandling();
            if (options.Dashboard.Enabled)
            {
                SiloDashboard.Map(app, options.Dashboard.Port);
            }

            app.MapKmsApi();
            app.MapKmsV1Api();
            app.MapKmsKbsApi();
            app.MapKmsGuardianApi();
            app.MapKmsRegistryApi();
            LogStartup(app, options, storageKey);
            return app;
        }
        catch
        {
            if (app is not null)
            {
                ((IDisposable)app).Dispose(); // also releases the lock and the TLS material
            }
            else
            {
                tls?.Dispose();
                dataLock.Dispose();
            }

            throw;
        }
    }

    private static string[] ListenUrls(KmsSiloOptions options)
    {
        string[] urls = options.Urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return options.Dashboard.Enabled ? [.. urls, SiloDashboard.ListenUrl(options.Dashboard.Port)] : urls;
    }

    private static ClusterTlsMaterial? LoadTls(KmsSiloOptions options)
    {
        if (!options.Tls.IsConfigured)
        {
            return null; // the validator allows this in development mode only
        }

        try
        {
            return ClusterTlsMaterial.Load(options.Tls);
        }
        catch (ClusterConfigurationException exception)
        {
            throw new SiloStartupException(exception.Message, exception);
        }
    }

    private static void ConfigureHost(WebApplicationBuilder builder, KmsSiloOptions options, string workingDirectory)
    {
        builder.WebHost.UseUrls(ListenUrls(options));
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.AddServerHeader = false);

        builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = options.ShutdownTimeout);
        builder.Services.AddSingleton<IValidateOptions<KmsSiloOptions>, KmsSiloOptionsValidator>();
        builder.Services.AddOptions<KmsSiloOptions>()
            .Configure<IConfiguration>((target, configuration) => KmsSiloOptionsSetup.Bind(configuration, target))
            .PostConfigure(target => KmsSiloOptionsSetup.ApplyDefaults(target, workingDirectory))
            .ValidateOnStart();

        builder.Services.AddKmsApi();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<IReadinessProbe, SiloReadinessProbe>();
        builder.Services.AddSingleton<Kms.Api.Admin.IAdminKeyStore, Admin.ClusterAdminKeyStore>();
        builder.Services.AddSingleton<Kms.Api.Admin.IAdminNonceStore, Admin.ClusterAdminNonceStore>();
    }

    private static void LogStartup(WebApplication app, KmsSiloOptions options, SiloStorageKey storageKey)
    {
        ILogger logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Kms.Silo");
        if (options.Dev)
        {
            SiloLog.DevelopmentMode(logger);
        }
        else if (options.AcceptsDevEvidence)
        {
            SiloLog.InsecureDevEvidence(logger, options.InsecureDevEvidenceKeyFile!);
        }

        if (storageKey.WasCreated)
        {
            SiloLog.StorageKeyCreated(logger, storageKey.Path);
        }

        SiloLog.Configured(logger, options.SiloName!, options.ClusterId!, options.Urls, options.DataDirectory!);
        // With port 0 only the started server knows its address; operators and scripts read it here.
        app.Lifetime.ApplicationStarted.Register(() => SiloLog.ApiListening(logger, string.Join(";", app.Urls)));
    }

    private static void PrepareDataDirectory(string path)
    {
        try
        {
            if (OperatingSystem.IsWindows())
            {
                Directory.CreateDirectory(path);
            }
            else
            {
                // State at rest is for this silo's user only (applies to directories this call creates).
                Directory.CreateDirectory(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw new SiloStartupException($"Cannot create the data directory {path}: {exception.Message}", exception);
        }
    }
}
