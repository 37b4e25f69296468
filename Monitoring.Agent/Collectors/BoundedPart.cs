namespace Monitoring.Agent.Collectors;

/// <summary>
/// Reads one optional part of a sample (sensors, top processes) on the thread pool within its own time limit: a read that
/// fails or hangs (a sysfs attribute of a sleeping device can block in the kernel) leaves the part out of the sample and
/// never delays it past the limit or fails it. A read still hanging is not started again beside it. Failures are
/// logged when the part starts failing and when it works again, not with every sample.
/// </summary>
internal sealed class BoundedPart(string part, string timeLimitSetting, TimeSpan timeLimit, TimeProvider time, ILogger logger)
{
    private Task? _running;
    private bool _failing;

    /// <summary>The part as <paramref name="read"/> returns it, or null when it failed, took too long or still hangs from an earlier sample.</summary>
    public async Task<T?> ReadAsync<T>(Func<T?> read, CancellationToken cancellationToken)
        where T : class
    {
        if (_running is { IsCompleted: false })
        {
            return null;
        }

        var running = Task.Run(read, CancellationToken.None);
        _running = running;
        try
        {
            var value = await running.WaitAsync(timeLimit, time, cancellationToken);
            if (_failing)
            {
                _failing = false;
                Log.PartReadable(logger, part);
            }

            return value;
        }
        catch (TimeoutException)
        {
            if (!_failing)
            {
                _failing = true;
                Log.PartTooSlow(logger, part, timeLimit, timeLimitSetting);
            }

            return null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or OverflowException or ArgumentException)
        {
            if (!_failing)
            {
                _failing = true;
                Log.PartUnreadable(logger, part, ex.Message);
                Log.PartFailure(logger, part, ex);
            }

            return null;
        }
    }
}
