namespace Kms.Grains.Storage;

/// <summary>The one way KMS grains write their state.</summary>
internal static class PersistentStateWrites
{
    /// <summary>
    /// Writes the state; when the write fails (the store is down, another activation wrote first), the activation is
    /// deactivated before the failure reaches the caller. Grains change their in-memory state before they write it, so
    /// an activation that stayed would go on answering from a change that was never stored; the next call reads the
    /// stored state again instead.
    /// </summary>
    public static async Task WriteOrDeactivateAsync<TState>(this IPersistentState<TState> state, IGrainBase grain, CancellationToken cancellationToken)
    {
        try
        {
            await state.WriteStateAsync(cancellationToken);
        }
        catch
        {
            grain.DeactivateOnIdle();
            throw;
        }
    }
}
