namespace Monitoring.Agent.Commands;

/// <summary>
/// The last completed result of a slow read (an external command), refreshed in the background: a sample takes what is
/// there and never waits for the command behind it. Disposing stops a read in progress, which kills its command.
/// </summary>
internal sealed class BackgroundReading<T>(Func<CancellationToken, Task<T?>> read, TimeProvider time) : IDisposable
    where T : class
{
    private readonly CancellationTokenSource _stopping = new();
    private long? _startedAt;
    private volatile T? _latest;

    public T? Latest => _latest;

    /// <summary>The read in progress, or the last one; completes when it has stored its result.</summary>
    public Task Running { get; private set; } = Task.CompletedTask;

    /// <summary>Starts a read unless one is running or the last one started less than <paramref name="every"/> ago.</summary>
    public void RefreshIfDue(TimeSpan every)
    {
        if (!Running.IsCompleted || _stopping.IsCancellationRequested || (_startedAt is { } started && time.GetElapsedTime(started) < every))
        {
            return;
        }

        _startedAt = time.GetTimestamp();
        var stopping = _stopping.Token;
        Running = Task.Run(async () => _latest = await read(stopping), stopping);
    }

    public void Dispose()
    {
        _stopping.Cancel();
        _stopping.Dispose();
    }
}
