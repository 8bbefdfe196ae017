using Kms.Actors.Serialization;

namespace Kms.Actors.Runtime;

/// <summary>One grain call on its way to (or inside) an activation's mailbox. It carries everything needed to
/// re-dispatch it when its activation goes away before serving it.</summary>
internal sealed class WorkItem(GrainClass grainClass, GrainId grainId, GrainMethod method, byte[] arguments, long deadlineTimestamp, bool arrivedFromSilo, int forwardCount)
    : TaskCompletionSource<byte[]?>(TaskCreationOptions.RunContinuationsAsynchronously)
{
    public GrainClass GrainClass { get; } = grainClass;

    public GrainId GrainId { get; } = grainId;

    public GrainMethod Method { get; } = method;

    public byte[] Arguments { get; } = arguments;

    /// <summary><see cref="TimeProvider.GetTimestamp"/> value after which the call is abandoned.</summary>
    public long DeadlineTimestamp { get; } = deadlineTimestamp;

    /// <summary>Whether another silo placed this call here (so default placement activates it here).</summary>
    public bool ArrivedFromSilo { get; } = arrivedFromSilo;

    /// <summary>How many times a silo forwarded this call to another silo.</summary>
    public int ForwardCount { get; } = forwardCount;

    /// <summary>How many times this silo has tried to dispatch it (activations gone, silos rejecting).</summary>
    public int DispatchAttempts { get; set; }
}
