using Microsoft.Extensions.Logging;

namespace Kms.Attestation.Collateral;

/// <summary>Log events of the collateral refresher (event ids 4400–4409).</summary>
internal static partial class CollateralRefresherLog
{
    [LoggerMessage(EventId = 4400, Level = LogLevel.Information, Message = "Collateral {Item} renewed: issued {IssuedAt:O}, next update {NextUpdate:O}.")]
    public static partial void Renewed(ILogger logger, string item, DateTimeOffset issuedAt, DateTimeOffset nextUpdate);

    [LoggerMessage(EventId = 4401, Level = LogLevel.Warning, Message = "Collateral {Item} could not be renewed ({Reason}); the copy in use (issued {IssuedAt:O}, next update {NextUpdate:O}) is kept.")]
    public static partial void KeptLastGood(ILogger logger, string item, string reason, DateTimeOffset issuedAt, DateTimeOffset nextUpdate);

    [LoggerMessage(EventId = 4402, Level = LogLevel.Error, Message = "Collateral {Item} could not be fetched ({Reason}) and no copy is cached; verifications that need it fail.")]
    public static partial void Missing(ILogger logger, string item, string reason);

    [LoggerMessage(EventId = 4403, Level = LogLevel.Error, Message = "Collateral {Item} in use expired at {NextUpdate:O}; verifications that need it fail until it is renewed.")]
    public static partial void InUseExpired(ILogger logger, string item, DateTimeOffset nextUpdate);

    [LoggerMessage(EventId = 4404, Level = LogLevel.Debug, Message = "Collateral refresh pass: {Renewed} renewed, {Failed} failed, {Items} items.")]
    public static partial void Pass(ILogger logger, int renewed, int failed, int items);
}
