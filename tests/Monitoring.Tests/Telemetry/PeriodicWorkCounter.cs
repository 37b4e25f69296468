using System.Diagnostics;

namespace Monitoring.Tests.Telemetry;

/// <summary>
/// Counts the grain timer ticks and rule-refresh polls that began a trace and have ended, whether or not a tracer recorded
/// them; it asks for no span itself, so it changes nothing of what is recorded. Added after the tracer, it hears of a
/// span's end after the tracer has exported it, if it did.
/// </summary>
internal sealed class PeriodicWorkCounter : IDisposable
{
    public const string TimerTick = "IGrainTimerInvoker/InvokeCallbackAsync";
    public const string RulePoll = "IAlertRuleSetGrain/GetConfigurationIfChanged";

    private readonly ActivityListener _listener;
    private int _ticks;
    private int _polls;

    public PeriodicWorkCounter()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name.StartsWith("Microsoft.Orleans.", StringComparison.Ordinal),
            Sample = (ref _) => ActivitySamplingResult.None,
            SampleUsingParentId = (ref _) => ActivitySamplingResult.None,
            ActivityStopped = span =>
            {
                if (span.ParentId is not null)
                {
                    return;
                }

                if (span.DisplayName == TimerTick)
                {
                    Interlocked.Increment(ref _ticks);
                }
                else if (span.DisplayName == RulePoll)
                {
                    Interlocked.Increment(ref _polls);
                }
            },
        };
        ActivitySource.AddActivityListener(_listener);
    }

    public int Ticks => Volatile.Read(ref _ticks);

    public int Polls => Volatile.Read(ref _polls);

    public void Dispose() => _listener.Dispose();
}
