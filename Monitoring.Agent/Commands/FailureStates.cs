namespace Monitoring.Agent.Commands;

/// <summary>
/// Logs each part's failure once when it starts failing or fails for another reason, and once when it works again:
/// a command that fails at every sample writes one line, not one per sample.
/// </summary>
internal sealed class FailureStates(ILogger logger)
{
    private readonly Dictionary<string, string> _failing = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    public void Failed(string part, string reason)
    {
        lock (_lock)
        {
            if (_failing.TryGetValue(part, out var known) && known == reason)
            {
                return;
            }

            _failing[part] = reason;
        }

        Log.PartFailing(logger, part, reason);
    }

    public void Succeeded(string part)
    {
        lock (_lock)
        {
            if (!_failing.Remove(part))
            {
                return;
            }
        }

        Log.PartWorksAgain(logger, part);
    }
}
