namespace Monitoring.Silo.Alerts;

/// <summary>
/// A least-squares line through one series' recent samples, kept as running sums in a ring of <see cref="Buckets"/> time
/// buckets spanning the window: bounded memory and constant work per sample, no history read. A bucket's sums are taken
/// relative to its own start, so they stay exact however far the timestamps are from the epoch.
/// </summary>
public sealed class TrendWindow
{
    public const int Buckets = 30;

    /// <summary>Fewer samples than this give no line.</summary>
    public const int MinPoints = 5;

    private readonly Bucket[] _ring = new Bucket[Buckets];
    private readonly long _width;
    private long _newest = long.MinValue;

    public TrendWindow(TimeSpan window)
    {
        Window = window;
        _width = Math.Max(1, window.Ticks / Buckets);
    }

    public TimeSpan Window { get; }

    /// <summary>The newest sample's time, or null before the first.</summary>
    public DateTimeOffset? Newest => _newest == long.MinValue ? null : new DateTimeOffset(_newest, TimeSpan.Zero);

    /// <summary>Adds a sample; one not newer than the newest (a replay, a backfill) or not finite is ignored.</summary>
    public void Add(DateTimeOffset at, double value)
    {
        var ticks = at.UtcTicks;
        if (ticks <= _newest || !double.IsFinite(value))
        {
            return;
        }

        _newest = ticks;
        var index = ticks / _width;
        ref var bucket = ref _ring[index % Buckets];
        if (bucket.Count == 0 || bucket.Index != index)
        {
            bucket = new Bucket { Index = index, First = ticks };
        }

        var t = (double)(ticks - index * _width) / TimeSpan.TicksPerSecond;
        bucket.Count++;
        bucket.SumT += t;
        bucket.SumV += value;
        bucket.SumTT += t * t;
        bucket.SumTV += t * value;
        bucket.Last = ticks;
    }

    /// <summary>
    /// The line through the samples of the buckets within the window before <paramref name="now"/>; null when they are fewer
    /// than <see cref="MinPoints"/> or span less than a quarter of the window, since such a line predicts nothing.
    /// </summary>
    public TrendLine? Fit(DateTimeOffset now)
    {
        var current = now.UtcTicks / _width;
        double n = 0, st = 0, sv = 0, stt = 0, stv = 0;
        long first = long.MaxValue, last = long.MinValue;
        foreach (var bucket in _ring)
        {
            if (bucket.Count == 0 || bucket.Index > current || bucket.Index <= current - Buckets)
            {
                continue;
            }

            // Shift the bucket's sums from its own start to now: Σ(t+o) = Σt + n·o, Σ(t+o)² = Σt² + 2o·Σt + n·o², Σ(t+o)v = Σtv + o·Σv.
            var o = (double)(bucket.Index * _width - now.UtcTicks) / TimeSpan.TicksPerSecond;
            n += bucket.Count;
            st += bucket.SumT + bucket.Count * o;
            sv += bucket.SumV;
            stt += bucket.SumTT + 2 * o * bucket.SumT + bucket.Count * o * o;
            stv += bucket.SumTV + o * bucket.SumV;
            first = Math.Min(first, bucket.First);
            last = Math.Max(last, bucket.Last);
        }

        if (n < MinPoints || last - first < Window.Ticks / 4)
        {
            return null;
        }

        var sxx = stt - st * st / n;
        if (sxx <= 0)
        {
            return null;
        }

        var slope = (stv - st * sv / n) / sxx;
        return new TrendLine(now, (sv - slope * st) / n, slope);
    }

    private struct Bucket
    {
        public long Index;
        public int Count;
        public long First;
        public long Last;
        public double SumT;
        public double SumV;
        public double SumTT;
        public double SumTV;
    }
}

/// <summary>A fitted line: its value at <paramref name="Origin"/> and its change per second.</summary>
public readonly record struct TrendLine(DateTimeOffset Origin, double Value, double SlopePerSecond)
{
    private static readonly double MaxSeconds = TimeSpan.FromDays(3650).TotalSeconds;

    public double At(DateTimeOffset at) => Value + SlopePerSecond * (at - Origin).TotalSeconds;

    /// <summary>When the line meets <paramref name="threshold"/>; null when it is flat or meets it beyond ten years either way.</summary>
    public DateTimeOffset? Crossing(double threshold)
    {
        var seconds = (threshold - Value) / SlopePerSecond;
        return double.IsFinite(seconds) && Math.Abs(seconds) <= MaxSeconds ? Origin + TimeSpan.FromSeconds(seconds) : null;
    }
}
