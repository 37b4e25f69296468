using Monitoring.Silo.Storage.Blocks;

namespace Monitoring.Tests.Storage.Blocks;

/// <summary>
/// A block shaped like a real Linux agent's samples at 60 s: wandering percentages with one or two decimals, constant
/// totals, byte counts as integers, per-second rates with one decimal, latencies with three decimals, reachability 0/1.
/// </summary>
public static class LinuxAgentBlock
{
    public const long IntervalMicroseconds = 60_000_000;

    public static (long[] Timestamps, List<SeriesColumn> Columns) Create(int samples = 60, int seed = 1)
    {
        var random = new Random(seed);
        var timestamps = new long[samples];
        long start = 1_796_000_000_000_000;
        for (int i = 0; i < samples; i++)
        {
            // Agents tick on a timer, so each sample lands a few whole milliseconds off the minute.
            timestamps[i] = start + (i * IntervalMicroseconds) + (random.Next(0, 40) * 1000);
        }

        var series = new List<Func<int, double>>();
        void Add(Func<int, double> valueAt) => series.Add(valueAt);

        // CPU: total, 4 cores, user/system/iowait.
        for (int s = 0; s < 8; s++)
        {
            Add(Wander(random, samples, 5 + (s * 3), 4, decimals: s == 7 ? 2 : 1, min: 0, max: 100));
        }
        // Memory: total, used, available (bytes, in pages), percent.
        const double memoryTotal = 16_777_216_000;
        var memoryUsed = Wander(random, samples, 6_000_000_000, 40_000_000, decimals: 0, min: 0, max: memoryTotal, unit: 4096);
        Add(_ => memoryTotal);
        Add(memoryUsed);
        Add(i => memoryTotal - memoryUsed(i));
        Add(i => Math.Round(memoryUsed(i) / memoryTotal * 100, 1));
        // Swap: total and used, nearly idle.
        Add(_ => 2_147_479_552);
        Add(_ => 13_631_488);
        // Load averages.
        Add(Wander(random, samples, 0.8, 0.3, decimals: 2, min: 0, max: 16));
        Add(Wander(random, samples, 0.7, 0.1, decimals: 2, min: 0, max: 16));
        Add(Wander(random, samples, 0.6, 0.05, decimals: 2, min: 0, max: 16));
        // Two mounts: total, used, free, percent, inodes percent.
        foreach (double total in new[] { 250_790_436_864.0, 1_967_317_549_056.0 })
        {
            var used = Wander(random, samples, total * 0.4, 2_000_000, decimals: 0, min: 0, max: total, unit: 4096);
            Add(_ => total);
            Add(used);
            Add(i => total - used(i));
            Add(i => Math.Round(used(i) / total * 100, 1));
            Add(_ => 4.2);
        }
        // Disk I/O of two devices: bytes per second read (mostly served from the page cache) and written.
        for (int s = 0; s < 2; s++)
        {
            Add(Pages(random, samples, busyChance: 0.2, maxPages: 200));
            Add(Pages(random, samples, busyChance: 1, maxPages: 3000));
        }
        // Two interfaces: rx/tx bytes and packets per second, errors and drops per second.
        for (int s = 0; s < 2; s++)
        {
            Add(Noise(random, samples, 5_000, decimals: 1));
            Add(Noise(random, samples, 3_000, decimals: 1));
            Add(Noise(random, samples, 40, decimals: 1));
            Add(Noise(random, samples, 30, decimals: 1));
            Add(_ => 0);
            Add(_ => 0);
            Add(_ => 0);
            Add(_ => 0);
        }
        // Uptime, boot time.
        Add(i => 864_000 + (i * 60));
        Add(_ => 1_795_136_000);
        // Agent health: spool depth, dropped and rejected totals, clock offset.
        Add(_ => 0);
        Add(_ => 12);
        Add(_ => 0);
        Add(Wander(random, samples, -1.5, 0.2, decimals: 3, min: -50, max: 50));
        // Two network checks: latency and reachability.
        Add(Noise(random, samples, 1.2, decimals: 3));
        Add(_ => 1);
        Add(Noise(random, samples, 35, decimals: 3));
        Add(i => i == 17 ? 0 : 1);

        var columns = new List<SeriesColumn>(series.Count);
        for (int s = 0; s < series.Count; s++)
        {
            var values = new double[samples];
            for (int i = 0; i < samples; i++)
            {
                values[i] = series[s](i);
            }
            columns.Add(new SeriesColumn(s + 1, values, Present: null));
        }
        return (timestamps, columns);
    }

    private static Func<int, double> Wander(Random random, int samples, double start, double step, int decimals, double min, double max, double unit = 0)
    {
        var values = new double[samples];
        double value = start;
        for (int i = 0; i < samples; i++)
        {
            value = Math.Clamp(value + ((random.NextDouble() - 0.5) * 2 * step), min, max);
            values[i] = unit > 0 ? Math.Round(value / unit) * unit : Math.Round(value, decimals);
        }
        return i => values[i];
    }

    /// <summary>A rate of whole 4 KiB pages over the interval, rounded to one decimal as the agent reports it.</summary>
    private static Func<int, double> Pages(Random random, int samples, double busyChance, int maxPages)
    {
        var values = new double[samples];
        for (int i = 0; i < samples; i++)
        {
            int pages = random.NextDouble() < busyChance ? random.Next(1, maxPages) : 0;
            values[i] = Math.Round(pages * 4096 / 60.0, 1);
        }
        return i => values[i];
    }

    private static Func<int, double> Noise(Random random, int samples, double mean, int decimals)
    {
        var values = new double[samples];
        for (int i = 0; i < samples; i++)
        {
            values[i] = Math.Round(mean * (0.5 + random.NextDouble()), decimals);
        }
        return i => values[i];
    }
}
