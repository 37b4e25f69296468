using System.Globalization;
using Monitoring.Contracts;

namespace Monitoring.Agent.Collectors;

/// <summary>Clock ticks one CPU (or all of them) spent in each state since boot, from a <c>cpu</c> line of <c>/proc/stat</c>.</summary>
internal readonly record struct CpuTicks(ulong User, ulong Nice, ulong System, ulong Idle, ulong Iowait, ulong Irq, ulong Softirq, ulong Steal)
{
    /// <summary>Guest time is not added: the kernel already counts it inside user and nice.</summary>
    public ulong Total => User + Nice + System + Idle + Iowait + Irq + Softirq + Steal;

    public ulong Busy => Total - Idle - Iowait;

    public double BusyPercent => Percent(Busy);

    /// <summary>Ticks spent since <paramref name="earlier"/>; if any counter went backwards the CPU restarted counting, so everything since boot is the interval.</summary>
    public CpuTicks Since(CpuTicks earlier) =>
        User < earlier.User || Nice < earlier.Nice || System < earlier.System || Idle < earlier.Idle
        || Iowait < earlier.Iowait || Irq < earlier.Irq || Softirq < earlier.Softirq || Steal < earlier.Steal
            ? this
            : new(User - earlier.User, Nice - earlier.Nice, System - earlier.System, Idle - earlier.Idle,
                Iowait - earlier.Iowait, Irq - earlier.Irq, Softirq - earlier.Softirq, Steal - earlier.Steal);

    /// <summary>Percent of these ticks that <paramref name="part"/> is, rounded to a tenth; 0 when no tick passed.</summary>
    public double Percent(ulong part) => Total == 0 ? 0 : Math.Round(Math.Clamp((double)part / Total * 100, 0, 100), 1);

    /// <summary>Reads the time fields after the line's label; fields an older kernel does not report count as zero.</summary>
    public static CpuTicks Parse(ReadOnlySpan<char> fields)
    {
        Span<ulong> values = stackalloc ulong[8];
        var count = 0;
        foreach (var range in fields.Split(' '))
        {
            var field = fields[range];
            if (field.IsEmpty)
            {
                continue;
            }

            if (count < values.Length)
            {
                values[count] = ulong.Parse(field, NumberStyles.None, CultureInfo.InvariantCulture);
            }

            count++;
        }

        if (count < 4)
        {
            throw new FormatException("A cpu line of /proc/stat has fewer than four time fields.");
        }

        return new(values[0], values[1], values[2], values[3], values[4], values[5], values[6], values[7]);
    }
}

/// <summary>The CPU lines and the boot time of <c>/proc/stat</c>.</summary>
internal sealed record ProcStat(CpuTicks Total, IReadOnlyList<KeyValuePair<int, CpuTicks>> Cores, DateTimeOffset? BootTime)
{
    public static ProcStat Parse(TextReader stat)
    {
        CpuTicks? total = null;
        var cores = new List<KeyValuePair<int, CpuTicks>>();
        DateTimeOffset? bootTime = null;
        while (stat.ReadLine() is { } line)
        {
            var span = line.AsSpan();
            if (span.StartsWith("cpu "))
            {
                total = CpuTicks.Parse(span[4..]);
            }
            else if (span.StartsWith("cpu") && span.IndexOf(' ') is > 3 and var space)
            {
                var core = int.Parse(span[3..space], NumberStyles.None, CultureInfo.InvariantCulture);
                cores.Add(new(core, CpuTicks.Parse(span[space..])));
            }
            else if (span.StartsWith("btime "))
            {
                bootTime = DateTimeOffset.FromUnixTimeSeconds(long.Parse(span[6..].Trim(), NumberStyles.None, CultureInfo.InvariantCulture));
            }
        }

        return new(total ?? throw new FormatException("/proc/stat has no aggregate cpu line."), cores, bootTime);
    }

    /// <summary>Percent of the time since <paramref name="earlier"/> that the CPUs were busy, like psutil's <c>cpu_percent</c>.</summary>
    public double BusyPercentSince(ProcStat earlier)
    {
        return Total.Since(earlier.Total).BusyPercent;
    }

    /// <summary>
    /// The split of the time since <paramref name="earlier"/>: user includes nice, system includes interrupt handling. Per-core
    /// percents are left out when the set of online CPUs changed in between, since their positions would no longer match,
    /// and beyond the server's limit on cores.
    /// </summary>
    public CpuMetrics DetailSince(ProcStat earlier)
    {
        var ticks = Total.Since(earlier.Total);
        var sameCores = Cores.Count <= SampleLimits.MaxCpuCores && Cores.Count == earlier.Cores.Count && Cores.Select(c => c.Key).SequenceEqual(earlier.Cores.Select(c => c.Key));
        return new CpuMetrics
        {
            Count = Cores.Count,
            PerCore = sameCores ? [.. Cores.Select((core, i) => core.Value.Since(earlier.Cores[i].Value).BusyPercent)] : null,
            User = ticks.Percent(ticks.User + ticks.Nice),
            System = ticks.Percent(ticks.System + ticks.Irq + ticks.Softirq),
            Iowait = ticks.Percent(ticks.Iowait),
            Steal = ticks.Percent(ticks.Steal),
        };
    }
}
