using Monitoring.Silo.Storage.Blocks;

namespace Monitoring.Silo.Storage;

/// <summary>
/// The rollup tiers: every series' count, min, max, sum, first and last per 1-hour bucket, built by the compactor from
/// the complete samples of an hour (the stats of the hour's blocks, so a query over whole hours never decodes them),
/// and per 5-minute bucket, built from an hour's blocks when raw retention deletes them (until then the raw blocks
/// answer on that grid, and the tier would only repeat them). Min and max are the raw extremes. A tier's buckets of one
/// UTC day are stored as one column block: the bucket starts are its timestamps, each (series, aggregate) one column.
/// </summary>
public static class Rollups
{
    public const long Microsecond = 1;
    public const long FiveMinutes = 300_000_000 * Microsecond;
    public const long Hour = 3_600_000_000 * Microsecond;
    public const long Day = 24 * Hour;

    /// <summary>The tiers' bucket widths, coarsest first.</summary>
    public static IReadOnlyList<long> Tiers { get; } = [Hour, FiveMinutes];

    public const int Count = 0;
    public const int Min = 1;
    public const int Max = 2;
    public const int Sum = 3;
    public const int First = 4;
    public const int Last = 5;

    private const int Kinds = 8;

    /// <summary>The start of the <paramref name="width"/>-aligned span holding <paramref name="timestamp"/> (also before 1970).</summary>
    public static long Floor(long timestamp, long width) => timestamp - ((timestamp % width) + width) % width;

    public static int ColumnId(int seriesNo, int kind) => (seriesNo * Kinds) + kind;

    public static int SeriesOf(int columnId) => columnId / Kinds;

    public static int KindOf(int columnId) => columnId % Kinds;

    /// <summary>The aggregates of every series of <paramref name="samples"/>, per bucket of <paramref name="width"/>.</summary>
    public static SortedDictionary<long, Dictionary<int, SeriesStats>> Aggregate(SeriesBlock samples, long width)
    {
        var buckets = new SortedDictionary<long, Dictionary<int, SeriesStats>>();
        var timestamps = samples.Timestamps;
        var start = 0;
        while (start < timestamps.Length)
        {
            var bucket = Floor(timestamps[start], width);
            var end = start + 1;
            while (end < timestamps.Length && timestamps[end] < bucket + width)
            {
                end++;
            }

            var stats = new Dictionary<int, SeriesStats>(samples.Columns.Count);
            foreach (var column in samples.Columns)
            {
                var of = SeriesStats.Of(column, start, end);
                if (of.Count > 0)
                {
                    stats[column.SeriesId] = of;
                }
            }

            buckets[bucket] = stats;
            start = end;
        }

        return buckets;
    }

    /// <summary>The buckets of a stored tier block, by start, each with its series' aggregates.</summary>
    public static SortedDictionary<long, Dictionary<int, SeriesStats>> Read(ReadOnlySpan<byte> block)
    {
        var decoded = SeriesBlockCodec.Decode(block, includeTexts: false);
        var buckets = new SortedDictionary<long, Dictionary<int, SeriesStats>>();
        var parts = new Dictionary<(long Bucket, int Series), double[]>();
        foreach (var column in decoded.Columns)
        {
            for (var i = 0; i < decoded.Timestamps.Length; i++)
            {
                if (column.Present is null || column.Present[i])
                {
                    var key = (decoded.Timestamps[i], SeriesOf(column.SeriesId));
                    if (!parts.TryGetValue(key, out var values))
                    {
                        parts[key] = values = new double[Kinds];
                    }

                    values[KindOf(column.SeriesId)] = column.Values[i];
                }
            }
        }

        foreach (var ((bucket, series), values) in parts)
        {
            if (!buckets.TryGetValue(bucket, out var stats))
            {
                buckets[bucket] = stats = [];
            }

            stats[series] = new SeriesStats((long)values[Count], values[Min], values[Max], values[Sum], values[First], values[Last]);
        }

        return buckets;
    }

    /// <summary>Encodes buckets as a tier block; a series absent from a bucket is absent from its columns there.</summary>
    public static byte[] Write(SortedDictionary<long, Dictionary<int, SeriesStats>> buckets)
    {
        var starts = buckets.Keys.ToArray();
        var series = buckets.Values.SelectMany(b => b.Keys).Distinct().Order().ToArray();
        var columns = new List<SeriesColumn>(series.Length * 6);
        foreach (var seriesNo in series)
        {
            var present = new bool[starts.Length];
            var kinds = new double[6][];
            for (var kind = 0; kind < kinds.Length; kind++)
            {
                kinds[kind] = new double[starts.Length];
            }

            var i = 0;
            var everywhere = true;
            foreach (var stats in buckets.Values)
            {
                if (stats.TryGetValue(seriesNo, out var s))
                {
                    present[i] = true;
                    kinds[Count][i] = s.Count;
                    kinds[Min][i] = s.Min;
                    kinds[Max][i] = s.Max;
                    kinds[Sum][i] = s.Sum;
                    kinds[First][i] = s.First;
                    kinds[Last][i] = s.Last;
                }
                else
                {
                    everywhere = false;
                }

                i++;
            }

            for (var kind = 0; kind < kinds.Length; kind++)
            {
                columns.Add(new SeriesColumn(ColumnId(seriesNo, kind), kinds[kind], everywhere ? null : present));
            }
        }

        return SeriesBlockCodec.Encode(starts, columns);
    }

    /// <summary>
    /// A day's tier block with the buckets of one hour replaced by <paramref name="hour"/>'s: the hour's samples were
    /// merged and aggregated again, so nothing is counted twice however often the hour is compacted.
    /// </summary>
    public static byte[] Replace(ReadOnlySpan<byte> day, long hourStart, SortedDictionary<long, Dictionary<int, SeriesStats>> hour)
    {
        var buckets = day.IsEmpty ? [] : Read(day);
        foreach (var start in buckets.Keys.Where(k => k >= hourStart && k < hourStart + Hour).ToList())
        {
            buckets.Remove(start);
        }

        foreach (var (start, stats) in hour)
        {
            buckets[start] = stats;
        }

        return Write(buckets);
    }

    /// <summary>A day's tier block with <paramref name="added"/>'s aggregates merged into the buckets it already holds.</summary>
    public static byte[] Combine(ReadOnlySpan<byte> day, SortedDictionary<long, Dictionary<int, SeriesStats>> added)
    {
        var buckets = day.IsEmpty ? [] : Read(day);
        foreach (var (start, stats) in added)
        {
            if (!buckets.TryGetValue(start, out var existing))
            {
                buckets[start] = stats;
                continue;
            }

            foreach (var (series, more) in stats)
            {
                existing[series] = existing.TryGetValue(series, out var held) ? held.Merge(more) : more;
            }
        }

        return Write(buckets);
    }
}
