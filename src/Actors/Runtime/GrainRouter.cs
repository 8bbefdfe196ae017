using System.Text.Json;
using Kms.Actors.GrainDirectory;
using Kms.Actors.Membership;
using Kms.Actors.Placement;
using Kms.Actors.Serialization;
using Kms.Actors.Transport;
using Microsoft.Extensions.Logging;

namespace Kms.Actors.Runtime;

/// <summary>Delivers grain calls: to a local activation, to the silo the directory names, or to the silo placement
/// chooses; and serves calls arriving from other silos and from cluster clients.</summary>
internal sealed partial class GrainRouter(Silo silo) : IGrainCallInvoker
{
    /// <summary>Dispatch attempts per call on one silo (activation replaced, silo rejected or unreachable).</summary>
    private const int MaxDispatchAttempts = 5;

    /// <summary>Longest deadline a remote request may ask for.</summary>
    private static readonly TimeSpan s_maxRemoteTimeout = TimeSpan.FromMinutes(10);

    public Task<byte[]?> InvokeAsync(GrainReference target, GrainMethod method, byte[] arguments)
    {
        GrainClass grainClass = ClassOf(method.Interface);
        TimeSpan timeout = silo.Options.Calls.ResponseTimeout;
        var item = new WorkItem(grainClass, new GrainId(grainClass.GrainType, target.Key), method, arguments,
            DeadlineOf(timeout), arrivedFromSilo: false, forwardCount: 0);
        _ = DispatchAsync(item);
        return AwaitAsync(item, timeout);
    }

    /// <summary>Routes a call until it is queued at an activation or answered by another silo. Never throws: the
    /// outcome is set on <paramref name="item"/>.</summary>
    public async Task DispatchAsync(WorkItem item)
    {
        try
        {
            while (!item.Task.IsCompleted)
            {
                if (++item.DispatchAttempts > MaxDispatchAttempts)
                {
                    throw new SiloUnavailableException($"{item.GrainId} could not be reached after {MaxDispatchAttempts} attempts.");
                }

                if (silo.Catalog.TryGet(item.GrainId, out ActivationData? activation))
                {
                    if (activation!.TryEnqueue(item))
                    {
                        return;
                    }

                    await activation.Stopped.ConfigureAwait(false);
                    continue;
                }

                SiloAddress target = await ChooseSiloAsync(item).ConfigureAwait(false);
                if (target == silo.Address)
                {
                    if (silo.Membership.LocalStatus != SiloStatus.Active)
                    {
                        throw new SiloUnavailableException($"Silo {silo.Address} is {silo.Membership.LocalStatus} and creates no activations.");
                    }

                    activation = silo.Catalog.GetOrCreate(item.GrainClass, item.GrainId);
                    if (activation.TryEnqueue(item))
                    {
                        return;
                    }

                    await activation.Stopped.ConfigureAwait(false);
                    continue;
                }

                if (await SendAsync(target, item).ConfigureAwait(false))
                {
                    return;
                }

                await silo.Membership.RefreshAsync(CancellationToken.None).ConfigureAwait(false);
            }
        }
        catch (Exception ex)
        {
            item.TrySetException(ex);
        }
    }

    /// <summary>Serves a request from another silo or a cluster client.</summary>
    public async Task<GrainResponseEnvelope> HandleRemoteAsync(GrainRequestEnvelope request)
    {
        if (!silo.Interfaces.TryGet(request.Interface, out GrainInterface? grainInterface)
            || !grainInterface!.MethodsByName.TryGetValue(request.Method, out GrainMethod? method)
            || !silo.Classes.TryGetByInterface(grainInterface.Type, out GrainClass? grainClass))
        {
            return Failure(request, GrainResponseStatus.InvalidRequest, null, $"Unknown grain method {request.Interface}.{request.Method}.");
        }

        if (request.TimeoutMilliseconds <= 0 || request.TimeoutMilliseconds > s_maxRemoteTimeout.TotalMilliseconds
            || request.ForwardCount < 0 || request.ForwardCount > silo.Options.Calls.MaxForwardCount
            || (request.FromSilo == false && request.ForwardCount != 0))
        {
            return Failure(request, GrainResponseStatus.InvalidRequest, null, "Invalid timeout or forward count.");
        }

        if (silo.Membership.LocalStatus is not (SiloStatus.Active or SiloStatus.ShuttingDown))
        {
            return Failure(request, GrainResponseStatus.Unavailable, null, $"Silo {silo.Address} is {silo.Membership.LocalStatus}.");
        }

        TimeSpan timeout = TimeSpan.FromMilliseconds(request.TimeoutMilliseconds);
        var item = new WorkItem(grainClass!, new GrainId(grainClass!.GrainType, request.GrainKey), method!, request.Arguments,
            DeadlineOf(timeout), request.FromSilo, request.ForwardCount);
        _ = DispatchAsync(item);
        try
        {
            byte[]? result = await AwaitAsync(item, timeout).ConfigureAwait(false);
            return new GrainResponseEnvelope(request.RequestId, GrainResponseStatus.Ok, result, null, null);
        }
        catch (Exception ex)
        {
            return ex switch
            {
                SiloUnavailableException => Failure(request, GrainResponseStatus.Unavailable, null, ex.Message),
                GrainCallTimeoutException => Failure(request, GrainResponseStatus.Timeout, null, ex.Message),
                MalformedArgumentsException => Failure(request, GrainResponseStatus.InvalidRequest, null, ex.Message),
                GrainCallException { RemoteExceptionType: SiloTransportClient.InvalidRequestType } => Failure(request, GrainResponseStatus.InvalidRequest, null, ex.Message),
                GrainCallException remote => Failure(request, GrainResponseStatus.Error, remote.RemoteExceptionType, remote.RemoteMessage),
                _ => Failure(request, GrainResponseStatus.Error, ex.GetType().FullName, ex.Message),
            };
        }
    }

    private GrainClass ClassOf(GrainInterface grainInterface)
        => silo.Classes.TryGetByInterface(grainInterface.Type, out GrainClass? grainClass)
            ? grainClass!
            : throw new ArgumentException($"No grain class on this silo implements {grainInterface.Name}.");

    private async ValueTask<SiloAddress> ChooseSiloAsync(WorkItem item)
    {
        GrainAddress? registered = await silo.Directory.LookupAsync(item.GrainId, CancellationToken.None).ConfigureAwait(false);
        if (registered is not null && registered.Silo != silo.Address && silo.Membership.IsReachable(registered.Silo))
        {
            return registered.Silo;
        }

        if (item.GrainClass.IsPinnedToSilo)
        {
            return PlacementDirector.SelectPinned(item.GrainId, silo.Membership.ActiveSilos);
        }

        // Placement is a hint: a silo that received a placed call activates it (the directory arbitrates races).
        return item.ArrivedFromSilo
            ? silo.Address!
            : PlacementDirector.SelectByRendezvousHash(item.GrainId, silo.Membership.ActiveSilos);
    }

    /// <summary>Sends a call to another silo; false if it was not delivered (try again after a membership refresh).</summary>
    private async Task<bool> SendAsync(SiloAddress target, WorkItem item)
    {
        int forwardCount = item.ArrivedFromSilo ? item.ForwardCount + 1 : 0;
        if (forwardCount > silo.Options.Calls.MaxForwardCount)
        {
            throw new SiloUnavailableException($"{item.GrainId}: forward limit ({silo.Options.Calls.MaxForwardCount}) reached.");
        }

        TimeSpan remaining = silo.TimeProvider.GetElapsedTime(silo.TimeProvider.GetTimestamp(), item.DeadlineTimestamp);
        if (remaining <= TimeSpan.Zero)
        {
            throw new GrainCallTimeoutException($"Call to {item.Method} on {item.GrainId} expired before it was sent.");
        }

        var request = new GrainRequestEnvelope(Guid.NewGuid(), item.Method.Interface.Name, item.Method.Name, item.GrainId.Key,
            item.Arguments, (int)Math.Ceiling(remaining.TotalMilliseconds), FromSilo: true, forwardCount);
        using var deadline = new CancellationTokenSource(remaining, silo.TimeProvider);
        SendOutcome outcome;
        GrainResponseEnvelope? response;
        try
        {
            (outcome, response) = await silo.Transport.SendAsync(target, request, deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
            throw new GrainCallTimeoutException($"Call to {item.Method} on {item.GrainId} at silo {target} did not complete within its deadline.");
        }

        if (outcome == SendOutcome.NotDelivered || response!.Status == GrainResponseStatus.Unavailable)
        {
            Log.NotDelivered(silo.Logger, item.GrainId, target, response?.Message ?? "connection failed");
            return false;
        }

        item.TrySetResult(SiloTransportClient.Unwrap(response, $"{item.Method} on {item.GrainId}"));
        return true;
    }

    private long DeadlineOf(TimeSpan timeout)
        => silo.TimeProvider.GetTimestamp() + (long)(timeout.TotalSeconds * silo.TimeProvider.TimestampFrequency);

    private async Task<byte[]?> AwaitAsync(WorkItem item, TimeSpan timeout)
    {
        try
        {
            return await item.Task.WaitAsync(timeout, silo.TimeProvider).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            var timedOut = new GrainCallTimeoutException($"Call to {item.Method} on {item.GrainId} did not complete within {timeout}.");
            if (item.TrySetException(timedOut))
            {
                throw timedOut;
            }

            // The call completed (often with its own deadline error from the transport) as the wait timed out:
            // its outcome wins, never a bare TimeoutException.
            return await item.Task.ConfigureAwait(false);
        }
    }

    private static GrainResponseEnvelope Failure(GrainRequestEnvelope request, GrainResponseStatus status, string? type, string message)
        => new(request.RequestId, status, null, type, message);

    private static partial class Log
    {
        [LoggerMessage(20, LogLevel.Debug, "Call for {GrainId} not delivered to {Silo} ({Reason}); re-routing.")]
        public static partial void NotDelivered(ILogger logger, GrainId grainId, SiloAddress silo, string reason);
    }
}

/// <summary>The arguments of a remote call do not match the method's parameters.</summary>
internal sealed class MalformedArgumentsException(string message, Exception inner) : Exception(message, inner);
