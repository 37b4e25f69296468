namespace Monitoring.Silo.Storage;

public static class PersistentStateExtensions
{
    /// <summary>
    /// Writes the grain's state; when the store does not take it, reads the stored state back before rethrowing, so memory
    /// never runs ahead of what a restart would read.
    /// </summary>
    public static async Task WriteOrForgetAsync<TState>(this IPersistentState<TState> state)
    {
        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            await state.ReadStateAsync();
            throw;
        }
    }
}
