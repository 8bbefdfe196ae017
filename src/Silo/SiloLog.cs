using Microsoft.Extensions.Logging;

namespace Kms.Silo;

internal static partial class SiloLog
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Warning,
        Message = "Development mode: dev attestation evidence is accepted and the storage key lies in the data directory. This silo is NOT SECURE.")]
    public static partial void DevelopmentMode(ILogger logger);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information,
        Message = "Silo {SiloName} of cluster {ClusterId}: API on {Urls}, data in {DataDirectory}")]
    public static partial void Configured(ILogger logger, string siloName, string clusterId, string urls, string dataDirectory);

    [LoggerMessage(EventId = 3, Level = LogLevel.Information, Message = "Generated a new storage key at {Path}")]
    public static partial void StorageKeyCreated(ILogger logger, string path);

    [LoggerMessage(EventId = 4, Level = LogLevel.Information, Message = "KMS API listening on: {Urls}")]
    public static partial void ApiListening(ILogger logger, string urls);

    [LoggerMessage(EventId = 5100, Level = LogLevel.Warning,
        Message = "Development attestation evidence signed by {KeyFile} is accepted outside development mode. This silo is NOT SECURE.")]
    public static partial void InsecureDevEvidence(ILogger logger, string keyFile);
}
