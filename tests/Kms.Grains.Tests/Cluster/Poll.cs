namespace Kms.Grains.Tests.Cluster;

/// <summary>Bounded waiting for the cluster to reach a state.</summary>
internal static class Poll
{
    /// <summary>Calls <paramref name="attempt"/> until it returns without throwing, for at most
    /// <paramref name="timeout"/>; then rethrows the last failure.</summary>
    public static async Task<T> UntilSucceedsAsync<T>(Func<Task<T>> attempt, TimeSpan timeout)
    {
        DateTime deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            try
            {
                return await attempt().WaitAsync(timeout);
            }
            catch (Exception) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(100);
            }
        }
    }

    /// <summary>The first exception of type <typeparamref name="T"/> in the chain of inner exceptions.</summary>
    public static T? FindInChain<T>(Exception? exception)
        where T : Exception
        => exception switch
        {
            null => null,
            T found => found,
            AggregateException aggregate => aggregate.InnerExceptions.Select(FindInChain<T>).FirstOrDefault(found => found is not null),
            _ => FindInChain<T>(exception.InnerException),
        };
}
