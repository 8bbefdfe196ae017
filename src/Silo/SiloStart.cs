using Microsoft.Extensions.Hosting;

namespace Kms.Silo;

/// <summary>Waiting, in a background service, until the silo (and so the grain runtime) has started.</summary>
internal static class SiloStart
{
    /// <returns><see langword="false"/> when the host stopped first.</returns>
    public static async Task<bool> WaitAsync(IHostApplicationLifetime lifetime, CancellationToken stoppingToken)
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using CancellationTokenRegistration registration = lifetime.ApplicationStarted.Register(() => started.TrySetResult());
        try
        {
            await started.Task.WaitAsync(stoppingToken);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
