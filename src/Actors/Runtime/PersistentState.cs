using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Kms.Actors.Storage;

namespace Kms.Actors.Runtime;

/// <summary>The runtime's <see cref="IPersistentState{TState}"/>: JSON via the registered contexts, one storage
/// operation at a time (grain turns are sequential), and deactivation of the activation on any write failure — after a
/// conflict or a failed write, the in-memory ETag can no longer be trusted (dotnet/orleans#692, #6128).</summary>
internal sealed class PersistentState<TState>(
    IGrainContext context, string stateName, IGrainStorage storage, JsonTypeInfo<TState> typeInfo)
    : IPersistentState<TState>, IPersistentStateLoader
    where TState : new()
{
    public TState State { get; set; } = new();

    public string? Etag { get; private set; }

    public bool RecordExists { get; private set; }

    public Task LoadAsync(CancellationToken cancellationToken) => ReadStateAsync(cancellationToken);

    public async Task ReadStateAsync(CancellationToken cancellationToken = default)
    {
        GrainStateRecord? record = await storage.ReadAsync(context.GrainId, stateName, cancellationToken).ConfigureAwait(false);
        if (record is null)
        {
            (State, Etag, RecordExists) = (new TState(), null, false);
            return;
        }

        TState state;
        try
        {
            state = record.RecordExists ? JsonSerializer.Deserialize(record.Data.Span, typeInfo) ?? new TState() : new TState();
        }
        catch (JsonException ex)
        {
            throw new GrainStateCorruptedException($"State '{stateName}' of grain {context.GrainId} is not valid JSON for {typeof(TState)}: {ex.Message}", ex);
        }

        (State, Etag, RecordExists) = (state, record.ETag, record.RecordExists);
    }

    public async Task WriteStateAsync(CancellationToken cancellationToken = default)
    {
        byte[] data = JsonSerializer.SerializeToUtf8Bytes(State, typeInfo);
        Etag = await GuardAsync(storage.WriteAsync(context.GrainId, stateName, data, Etag, cancellationToken)).ConfigureAwait(false);
        RecordExists = true;
    }

    public async Task ClearStateAsync(CancellationToken cancellationToken = default)
    {
        Etag = await GuardAsync(storage.ClearAsync(context.GrainId, stateName, Etag, cancellationToken)).ConfigureAwait(false);
        (State, RecordExists) = (new TState(), false);
    }

    private async Task<string> GuardAsync(Task<string> operation)
    {
        try
        {
            return await operation.ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            context.RequestDeactivation(new DeactivationReason(
                ex is InconsistentStateException ? DeactivationReasonCode.InconsistentState : DeactivationReasonCode.ApplicationRequested,
                $"Writing state '{stateName}' failed: {ex.GetType().Name}."));
            throw;
        }
    }
}

/// <summary>Lets the activation load every injected state before <see cref="Grain.OnActivateAsync"/>.</summary>
internal interface IPersistentStateLoader
{
    Task LoadAsync(CancellationToken cancellationToken);
}
