using System.Collections.Concurrent;
using System.Diagnostics;
using System.Security.Cryptography;

namespace Kms.Tests.Shared;

/// <summary>
/// Steady load on a cluster: workers release keys and (optionally) admit new measurement identities, each call through
/// the next silo in turn. Like a load balancer, a silo that did not answer (refused, timed out) is taken out of the
/// rotation until its <c>/readyz</c> answers 200 again. Every call is recorded with its time, so recovery after a
/// fault and error counts can be read afterwards; every acknowledged write is kept to check nothing was lost.
/// </summary>
internal sealed class ClusterLoad
{
    private readonly ClusterWorkload _workload;
    private readonly ConcurrentQueue<LoadCall> _calls = new();
    private readonly ConcurrentBag<string> _acknowledged = [];
    private readonly int[] _down;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private int _next;

    public ClusterLoad(ClusterWorkload workload)
    {
        _workload = workload;
        _down = new int[workload.Silos.Count];
    }

    /// <summary>Every how many calls a worker writes (admits an identity) instead of releasing; 0 = never.</summary>
    public int WriteEvery { get; init; } = 4;

    /// <summary>Time since the load was created (the time base of <see cref="LoadCall.At"/>).</summary>
    public TimeSpan Now => _clock.Elapsed;

    public IReadOnlyCollection<LoadCall> Calls => _calls.ToArray();

    /// <summary>Identities whose admission the API acknowledged (200).</summary>
    public IReadOnlyCollection<string> Acknowledged => _acknowledged.ToArray();

    /// <summary>The first key released, to compare later releases with.</summary>
    public byte[]? FirstKey { get; private set; }

    /// <summary>Released keys that differed from <see cref="FirstKey"/> (must stay 0).</summary>
    public int WrongKeys => _wrongKeys;

    private int _wrongKeys;

    /// <summary>Runs <paramref name="workers"/> workers until <paramref name="cancellationToken"/> is cancelled.</summary>
    public Task RunAsync(int workers, CancellationToken cancellationToken) =>
        Task.WhenAll(Enumerable.Range(0, workers)
            .Select(worker => Task.Run(() => WorkAsync(worker, cancellationToken), CancellationToken.None))
            .Append(Task.Run(() => CheckDownSilosAsync(cancellationToken), CancellationToken.None)));

    /// <summary>Silos out of the rotation now.</summary>
    public IReadOnlyList<int> DownSilos => Enumerable.Range(0, _down.Length).Where(silo => Volatile.Read(ref _down[silo]) != 0).ToArray();

    private async Task CheckDownSilosAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                foreach (int silo in DownSilos)
                {
                    if (await _workload.GetAsync(silo, "/readyz", cancellationToken) is (200, _))
                    {
                        Volatile.Write(ref _down[silo], 0);
                    }
                }

                await Task.Delay(500, cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
        }
    }

    private async Task WorkAsync(int worker, CancellationToken cancellationToken)
    {
        for (long round = 0; !cancellationToken.IsCancellationRequested; round++)
        {
            int silo = PickSilo();
            TimeSpan started = _clock.Elapsed;
            bool write = WriteEvery > 0 && (round + worker) % WriteEvery == 0;
            CallResult result;
            try
            {
                if (write)
                {
                    string identity = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
                    result = await _workload.AdmitAsync(silo, identity, cancellationToken);
                    if (result.Succeeded)
                    {
                        _acknowledged.Add(identity);
                    }
                }
                else
                {
                    (result, byte[]? key) = await _workload.ReleaseAsync(silo, cancellationToken);
                    if (key is not null)
                    {
                        lock (_calls)
                        {
                            FirstKey ??= key;
                        }

                        if (!key.AsSpan().SequenceEqual(FirstKey))
                        {
                            Interlocked.Increment(ref _wrongKeys);
                        }
                    }
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }

            if (result.Status == 0)
            {
                Volatile.Write(ref _down[silo], 1);
            }

            _calls.Enqueue(new LoadCall(started, _clock.Elapsed - started, silo, write, result));
            if (!result.Succeeded)
            {
                await Task.Delay(50, CancellationToken.None); // no hot loop against a failing cluster
            }
        }
    }

    private int PickSilo()
    {
        int count = _down.Length;
        int start = Interlocked.Increment(ref _next);
        for (int i = 0; i < count; i++)
        {
            int silo = (int)((uint)(start + i) % count);
            if (Volatile.Read(ref _down[silo]) == 0)
            {
                return silo;
            }
        }

        return (int)((uint)start % count); // all out of the rotation: try anyway
    }
}

/// <summary>One call of the load: when it started, how long it took, through which silo, whether a write, its result.</summary>
internal sealed record LoadCall(TimeSpan At, TimeSpan Duration, int Silo, bool Write, CallResult Result)
{
    public TimeSpan End => At + Duration;
}

/// <summary>Reading a load's record around a fault.</summary>
internal static class LoadCalls
{
    /// <summary>
    /// How long after <paramref name="fault"/> calls kept failing: the end of the last failed call that ended after
    /// the fault (calls in flight at the fault count), minus the fault time; zero when none failed.
    /// </summary>
    public static TimeSpan RecoveryAfter(this IEnumerable<LoadCall> calls, TimeSpan fault)
    {
        TimeSpan last = calls.Where(call => call.End >= fault && !call.Result.Succeeded).Select(call => call.End).DefaultIfEmpty(fault).Max();
        return last - fault;
    }

    /// <summary>Failed calls that ended after <paramref name="from"/> and started before <paramref name="to"/>.</summary>
    public static int Failures(this IEnumerable<LoadCall> calls, TimeSpan from, TimeSpan to) =>
        calls.Count(call => call.End >= from && call.At < to && !call.Result.Succeeded);

    public static int Successes(this IEnumerable<LoadCall> calls, TimeSpan from, TimeSpan to) =>
        calls.Count(call => call.At >= from && call.At < to && call.Result.Succeeded);

    /// <summary>A short account of the failures (status: count, first detail) for messages and reports.</summary>
    public static string DescribeFailures(this IEnumerable<LoadCall> calls, TimeSpan from) =>
        string.Join("; ", calls.Where(call => call.End >= from && !call.Result.Succeeded)
            .GroupBy(call => call.Result.Status)
            .Select(group => $"{group.Key}×{group.Count()} ({group.First().Result.Detail})"));
}
