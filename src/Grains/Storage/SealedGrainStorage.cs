using System.Security.Cryptography;
using Orleans.Serialization;
using Orleans.Serialization.Serializers;
using Orleans.Storage;

namespace Kms.Grains.Storage;

/// <summary>
/// A grain storage that seals every state before another grain storage (files, Azure Blob, PostgreSQL) keeps it, so
/// that no store ever holds plaintext state; reads open and check the seal. ETags and version conflicts are the
/// underlying store's.
/// </summary>
/// <remarks>A decorator rather than an <see cref="IGrainStorageSerializer"/>: a serializer is not told which grain
/// and state it serializes, and the seal must bind both.</remarks>
public sealed class SealedGrainStorage(
    IGrainStorage store, GrainStateSealer sealer, Serializer serializer, IActivatorProvider activators) : IGrainStorage
{
    /// <inheritdoc />
    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
        => ReadStateAsync(stateName, grainId, grainState, CancellationToken.None);

    /// <inheritdoc />
    public async Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState, CancellationToken cancellationToken)
    {
        var stored = new GrainState<SealedGrainState>(new SealedGrainState());
        await Unavailable(store.ReadStateAsync(stateName, grainId, stored, cancellationToken)).ConfigureAwait(false);
        if (stored.RecordExists && stored.State is { Sealed.Length: > 0 } envelope)
        {
            byte[] plaintext = sealer.Open(envelope.Sealed, grainId, stateName);
            try
            {
                grainState.State = serializer.Deserialize<T>(plaintext);
            }
            finally
            {
                CryptographicOperations.ZeroMemory(plaintext);
            }

            // The ETag only once the state opened: a caller that catches a corrupt state must not overwrite it blindly.
            grainState.ETag = stored.ETag;
            grainState.RecordExists = true;
        }
        else
        {
            // No sealed state is a cleared or missing one. Orleans' ADO.NET storage reads a cleared row as an existing
            // record with a default (here: empty) envelope. The caller's copy is reset, as Orleans' providers do, so
            // that a re-read after a clear elsewhere does not keep, and later write back, the old state.
            grainState.State = activators.GetActivator<T>().Create();
            grainState.ETag = stored.ETag;
            grainState.RecordExists = false;
        }
    }

    /// <inheritdoc />
    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
        => WriteStateAsync(stateName, grainId, grainState, CancellationToken.None);

    /// <inheritdoc />
    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState, CancellationToken cancellationToken)
    {
        byte[] plaintext = serializer.SerializeToArray(grainState.State);
        SealedGrainState envelope;
        try
        {
            envelope = new SealedGrainState { Sealed = sealer.Seal(plaintext, grainId, stateName) };
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plaintext);
        }

        var stored = new GrainState<SealedGrainState>(envelope, grainState.ETag) { RecordExists = grainState.RecordExists };
        await Unavailable(store.WriteStateAsync(stateName, grainId, stored, cancellationToken)).ConfigureAwait(false);
        grainState.ETag = stored.ETag;
        grainState.RecordExists = stored.RecordExists;
    }

    /// <inheritdoc />
    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
        => ClearStateAsync(stateName, grainId, grainState, CancellationToken.None);

    /// <inheritdoc />
    public async Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState, CancellationToken cancellationToken)
    {
        // A known ETag means "clear exactly that version": Orleans' ADO.NET storage rereads the row before clearing one
        // that it is told does not exist, which would clear a newer write of another activation without a conflict.
        var stored = new GrainState<SealedGrainState>(new SealedGrainState(), grainState.ETag)
        {
            RecordExists = grainState.RecordExists || grainState.ETag is not null,
        };
        await Unavailable(store.ClearStateAsync(stateName, grainId, stored, cancellationToken)).ConfigureAwait(false);
        grainState.ETag = stored.ETag;
        grainState.RecordExists = stored.RecordExists;
    }

    /// <summary>
    /// Runs a call of the underlying store and turns its driver's failures (a database or storage service that does
    /// not answer) into <see cref="KmsErrorKind.Unavailable"/>: the driver's exception types (Npgsql, Azure) have no
    /// Orleans codec, so a grain on another silo could not even report them, and callers must see "unavailable" (503),
    /// never an internal error. Version conflicts, corrupt states and cancellations pass unchanged; the store logs the cause.
    /// </summary>
    private static async Task Unavailable(Task call)
    {
        try
        {
            await call.ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is not (InconsistentStateException or GrainStateCorruptedException or OperationCanceledException or KmsException))
        {
            throw new KmsException(KmsErrorKind.Unavailable, "The grain store did not answer; retry later.");
        }
    }
}
