using System.Globalization;

namespace Monitoring.Agent.Collectors;

/// <summary>The aggregate <c>cpu</c> line of <c>/proc/stat</c>, in clock ticks since boot.</summary>
internal readonly record struct CpuTimes(ulong Busy, ulong Total)
{
    /// <summary>Reads the first <c>cpu</c> line; fields a kernel does not report (older kernels stop after <c>idle</c>) count as zero.</summary>
    public static CpuTimes Parse(TextReader stat)
    {
        while (stat.ReadLine() is { } line)
        {
            if (!line.StartsWith("cpu ", StringComparison.Ordinal))
            {
                continue;
            }

            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length < 5)
            {
                throw new FormatException("The cpu line of /proc/stat has fewer than four time fields.");
            }

            // user nice system idle iowait irq softirq steal guest guest_nice; guest time is already inside user and nice.
            ulong Field(int index) => index < fields.Length ? ulong.Parse(fields[index], NumberStyles.None, CultureInfo.InvariantCulture) : 0;
            ulong total = 0;
            for (var i = 1; i <= 8; i++)
            {
                total += Field(i);
            }

            var idle = Field(4) + Field(5);
            return new CpuTimes(total - idle, total);
        }

        throw new FormatException("/proc/stat has no aggregate cpu line.");
    }

    /// <summary>Percent of the time between <paramref name="earlier"/> and this reading that the CPUs were busy, like psutil's <c>cpu_percent</c>.</summary>
    public double BusyPercentSince(CpuTimes earlier)
    {
        if (Total <= earlier.Total)
        {
            return 0;
        }

        var busy = Busy >= earlier.Busy ? Busy - earlier.Busy : 0;
        var percent = (double)busy / (Total - earlier.Total) * 100;
        return Math.Round(Math.Clamp(percent, 0, 100), 1);
    }
}
