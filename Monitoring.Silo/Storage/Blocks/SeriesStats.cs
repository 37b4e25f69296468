namespace Monitoring.Silo.Storage.Blocks;

/// <summary>
/// Aggregates of one series over some samples: exact min and max (as <see cref="Math.Min(double, double)"/>, so NaN
/// propagates), the sum in timestamp order, and the first and last values. All but <see cref="Count"/> are 0 when it is 0.
/// </summary>
public readonly record struct SeriesStats(long Count, double Min, double Max, double Sum, double First, double Last)
{
    /// <summary>The aggregates of the present samples of <paramref name="column"/> in [<paramref name="start"/>, <paramref name="end"/>); end -1 means to the last.</summary>
    public static SeriesStats Of(SeriesColumn column, int start = 0, int end = -1)
    {
        ArgumentNullException.ThrowIfNull(column);
        var values = column.Values;
        if (end == -1)
        {
            end = values.Length;
        }
        ArgumentOutOfRangeException.ThrowIfNegative(start);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(end, values.Length);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(start, end);

        long count = 0;
        double min = 0, max = 0, sum = 0, first = 0, last = 0;
        for (int i = start; i < end; i++)
        {
            if (!column.IsPresent(i))
            {
                continue;
            }
            double value = values[i];
            if (count++ == 0)
            {
                (min, max, first) = (value, value, value);
            }
            else
            {
                min = Math.Min(min, value);
                max = Math.Max(max, value);
            }
            sum += value;
            last = value;
        }
        return new SeriesStats(count, min, max, sum, first, last);
    }

    /// <summary>Combines these aggregates with those of <paramref name="later"/> samples; a Count of 0 is the identity.</summary>
    public SeriesStats Merge(SeriesStats later) =>
        Count == 0 ? later
        : later.Count == 0 ? this
        : new SeriesStats(Count + later.Count, Math.Min(Min, later.Min), Math.Max(Max, later.Max), Sum + later.Sum, First, later.Last);
}
