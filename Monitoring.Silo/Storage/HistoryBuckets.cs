using Monitoring.Abstractions;
using Monitoring.Contracts;
using Monitoring.Silo.Storage.Blocks;

namespace Monitoring.Silo.Storage;

/// <summary>
/// The buckets of a history answer, <c>[from + k·step, from + (k+1)·step)</c>, filled from raw samples and from rollup
/// tier buckets alike: count, sum, min and max per series merge the same way, so stitched sources agree exactly.
/// </summary>
public sealed class HistoryBuckets(long from, long step, int bucketCount)
{
    private readonly long[] _samples = new long[bucketCount];
    private readonly Dictionary<string, Accumulator> _series = new(StringComparer.Ordinal);

    public long From => from;

    public long Step => step;

    /// <summary>The bucket holding <paramref name="timestamp"/>, or -1 outside the answer's range.</summary>
    public int IndexOf(long timestamp)
    {
        if (timestamp < from)
        {
            return -1;
        }

        var index = (timestamp - from) / step;
        return index < bucketCount ? (int)index : -1;
    }

    /// <summary>Counts one raw sample.</summary>
    public void AddSample(int bucket) => _samples[bucket]++;

    /// <summary>Counts <paramref name="samples"/> samples a tier bucket summarises.</summary>
    public void AddSamples(int bucket, long samples) => _samples[bucket] += samples;

    public void Add(int bucket, string series, double value) => Series(series).Add(bucket, 1, value, value, value);

    /// <summary>Adds one aggregate kind (<see cref="Rollups.Count"/>, …) of a tier bucket's series.</summary>
    public void AddAggregate(int bucket, string series, int kind, double value)
    {
        var accumulator = Series(series);
        switch (kind)
        {
            case Rollups.Count:
                accumulator.Count[bucket] += (long)value;
                break;
            case Rollups.Sum:
                accumulator.Sum[bucket] += value;
                break;
            case Rollups.Min:
                accumulator.Min[bucket] = Math.Min(accumulator.Min[bucket], value);
                break;
            case Rollups.Max:
                accumulator.Max[bucket] = Math.Max(accumulator.Max[bucket], value);
                break;
        }
    }

    /// <summary>Adds every present value of a raw column whose sample falls in a bucket that <paramref name="take"/> accepts.</summary>
    public void AddColumn(string series, long[] timestamps, SeriesColumn column, Func<long, bool> take)
    {
        var accumulator = Series(series);
        for (var i = 0; i < timestamps.Length; i++)
        {
            if ((column.Present is null || column.Present[i]) && take(timestamps[i]) && IndexOf(timestamps[i]) is var bucket and >= 0)
            {
                var value = column.Values[i];
                accumulator.Add(bucket, 1, value, value, value);
            }
        }
    }

    /// <summary>
    /// The non-empty buckets, oldest first, each with its headline aggregates and the listed series that
    /// <paramref name="selected"/> accepts, up to <paramref name="maxBuckets"/> buckets and <paramref name="maxValues"/> numbers.
    /// </summary>
    public (List<HistoryBucket> Buckets, bool Truncated) Build(Func<string, bool> selected, int maxBuckets, int maxValues)
    {
        var listed = _series.Where(s => StoredSample.IsListed(s.Key) && selected(s.Key)).ToArray();
        var buckets = new List<HistoryBucket>();
        var values = 0L;
        for (var b = 0; b < bucketCount; b++)
        {
            if (_samples[b] == 0)
            {
                continue;
            }

            var series = new Dictionary<string, Aggregate>(StringComparer.Ordinal);
            foreach (var (name, accumulator) in listed)
            {
                if (accumulator.Aggregate(b) is { } aggregate)
                {
                    series[name] = aggregate;
                }
            }

            values += 1 + (3 * (3 + series.Count));
            if (buckets.Count == maxBuckets || values > maxValues)
            {
                return (buckets, true);
            }

            buckets.Add(new HistoryBucket
            {
                Start = UnixMicroseconds.ToTime(from + (b * step)),
                Count = (int)_samples[b],
                CpuPercent = Headline(MetricSeries.CpuPercent, b),
                MemoryPercent = Headline(MetricSeries.MemoryPercent, b),
                DiskPercent = Headline(MetricSeries.DiskPercent, b),
                Series = series.Count > 0 ? series : null,
            });
        }

        return (buckets, false);
    }

    private Aggregate Headline(string series, int bucket) =>
        _series.TryGetValue(series, out var accumulator) && accumulator.Aggregate(bucket) is { } aggregate ? aggregate : new Aggregate(0, 0, 0);

    private Accumulator Series(string series)
    {
        if (!_series.TryGetValue(series, out var accumulator))
        {
            _series[series] = accumulator = new Accumulator(bucketCount);
        }

        return accumulator;
    }

    private sealed class Accumulator
    {
        public Accumulator(int buckets)
        {
            Count = new long[buckets];
            Sum = new double[buckets];
            Min = new double[buckets];
            Max = new double[buckets];
            Array.Fill(Min, double.PositiveInfinity);
            Array.Fill(Max, double.NegativeInfinity);
        }

        public long[] Count { get; }

        public double[] Sum { get; }

        public double[] Min { get; }

        public double[] Max { get; }

        public void Add(int bucket, long count, double sum, double min, double max)
        {
            Count[bucket] += count;
            Sum[bucket] += sum;
            Min[bucket] = Math.Min(Min[bucket], min);
            Max[bucket] = Math.Max(Max[bucket], max);
        }

        public Aggregate? Aggregate(int bucket) =>
            Count[bucket] > 0 ? new Aggregate(Sum[bucket] / Count[bucket], Min[bucket], Max[bucket]) : null;
    }
}
