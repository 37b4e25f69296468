using Monitoring.Abstractions;

namespace Monitoring.Api.Ingest;

/// <summary>
/// The silo's raw history retention, asked once a minute: a sample older than it is refused at ingest instead of being
/// acknowledged and then deleted by the next sweep.
/// </summary>
public sealed class RawRetention(IGrainFactory grains, TimeProvider time)
{
    public static readonly TimeSpan RefreshInterval = TimeSpan.FromMinutes(1);

    private Known? _known;

    /// <summary>The oldest timestamp a sample may carry now, or null when the silo keeps raw samples forever.</summary>
    public async ValueTask<DateTimeOffset?> OldestAcceptedAsync(DateTimeOffset now)
    {
        var known = _known;
        if (known is null || known.Until <= time.GetUtcNow())
        {
            known = _known = new Known(await grains.GetGrain<IHistoryGrain>(0).GetRawRetention(), time.GetUtcNow() + RefreshInterval);
        }

        return known.Retention > TimeSpan.Zero ? now - known.Retention : null;
    }

    private sealed record Known(TimeSpan Retention, DateTimeOffset Until);
}
