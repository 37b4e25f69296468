namespace Monitoring.EndToEnd.Tests;

internal static class Eventually
{
    /// <summary>
    /// Tries <paramref name="attempt"/> every quarter second until it returns a value, treating HTTP failures as "not yet";
    /// after <paramref name="timeout"/> throws a <see cref="TimeoutException"/> naming <paramref name="what"/> and the last failure.
    /// </summary>
    public static async Task<T> GetAsync<T>(string what, TimeSpan timeout, Func<CancellationToken, Task<T?>> attempt, Action? throwIfStopped = null)
        where T : class
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        deadline.CancelAfter(timeout);
        var lastFailure = "none";
        while (true)
        {
            throwIfStopped?.Invoke();
            try
            {
                if (await attempt(deadline.Token) is { } value)
                {
                    return value;
                }

                await Task.Delay(TimeSpan.FromMilliseconds(250), deadline.Token);
            }
            catch (OperationCanceledException) when (deadline.IsCancellationRequested)
            {
                TestContext.Current.CancellationToken.ThrowIfCancellationRequested();
                throw new TimeoutException($"Timed out after {timeout.TotalSeconds:0} s waiting until {what} (last failure: {lastFailure}).");
            }
            catch (Exception failure) when (failure is HttpRequestException or OperationCanceledException)
            {
                lastFailure = failure.Message;
            }
        }
    }
}
