namespace Monitoring.Silo.Storage.Blocks;

/// <summary>
/// Aggregates of one series over some samples: exact min and max (as <see cref="Math.Min(double, double)"/>, so NaN
/// propagates), the sum, and the first and last values. All but <see cref="Count"/> are 0 when it is 0. When the values
/// are short decimals the sum is the exact decimal sum, rounded once (and so itself a short decimal that compresses
/// as well as the values); otherwise it is summed in timestamp order.
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
        return new SeriesStats(count, min, max, ExactSum(column, start, end, count) ?? sum, first, last);
    }

    /// <summary>The decimal sum of the present values, when they all scale to integers and the sum fits; else null.</summary>
    private static double? ExactSum(SeriesColumn column, int start, int end, long count)
    {
        if (count == 0)
        {
            return null;
        }

        var present = new double[count];
        var n = 0;
        for (var i = start; i < end; i++)
        {
            if (column.IsPresent(i))
            {
                present[n++] = column.Values[i];
            }
        }

        var mantissas = new long[count];
        if (!DecimalScaling.TryFindExponent(present, mantissas, out var exponent))
        {
            return null;
        }

        long total = 0;
        foreach (var mantissa in mantissas)
        {
            total += mantissa;
            if (Math.Abs(total) > 1L << 53)
            {
                return null;
            }
        }

        return DecimalScaling.Unscale(total, exponent);
    }

    /// <summary>Combines these aggregates with those of <paramref name="later"/> samples; a Count of 0 is the identity.</summary>
    public SeriesStats Merge(SeriesStats later) =>
        Count == 0 ? later
        : later.Count == 0 ? this
        : new SeriesStats(Count + later.Count, Math.Min(Min, later.Min), Math.Max(Max, later.Max), Sum + later.Sum, First, later.Last);
}
