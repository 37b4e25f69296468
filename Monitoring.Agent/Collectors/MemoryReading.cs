using System.Globalization;
using Monitoring.Contracts;

namespace Monitoring.Agent.Collectors;

/// <summary>Memory and swap figures from <c>/proc/meminfo</c>.</summary>
internal sealed record MemoryReading(MemoryMetrics Memory, SwapMetrics? Swap)
{
    /// <summary>Total, available and used bytes; used = total - available, as the server's percent expects. Swap is left out when the kernel does not report it.</summary>
    public static MemoryReading Parse(TextReader meminfo)
    {
        var kibibytes = new Dictionary<string, long>(StringComparer.Ordinal);
        while (meminfo.ReadLine() is { } line)
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                continue;
            }

            var value = line.AsSpan(colon + 1).Trim();
            if (value.EndsWith(" kB", StringComparison.Ordinal))
            {
                value = value[..^3].TrimEnd();
            }

            if (long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
            {
                kibibytes[line[..colon]] = number;
            }
        }

        if (!kibibytes.TryGetValue("MemTotal", out var totalKib) || totalKib <= 0)
        {
            throw new FormatException("/proc/meminfo has no MemTotal.");
        }

        // Kernels before 3.14 have no MemAvailable: free memory plus the page cache and buffers the kernel can reclaim is the usual estimate.
        var availableKib = kibibytes.TryGetValue("MemAvailable", out var reported)
            ? reported
            : Get("MemFree") + Get("Buffers") + Get("Cached") + Get("SReclaimable");
        availableKib = Math.Clamp(availableKib, 0, totalKib);

        var total = totalKib * 1024;
        var available = availableKib * 1024;
        var used = total - available;
        var memory = new MemoryMetrics
        {
            Total = total,
            Available = available,
            Used = used,
            Percent = Math.Round((double)used / total * 100, 1),
        };
        return new(memory, kibibytes.TryGetValue("SwapTotal", out var swapTotalKib) ? SwapOf(swapTotalKib, Get("SwapFree")) : null);

        long Get(string key) => kibibytes.GetValueOrDefault(key);
    }

    /// <summary>A host without swap reports zeros, which is a fact rather than a missing value.</summary>
    private static SwapMetrics SwapOf(long totalKib, long freeKib)
    {
        var total = totalKib * 1024;
        var free = Math.Clamp(freeKib, 0, totalKib) * 1024;
        var used = total - free;
        return new SwapMetrics
        {
            Total = total,
            Used = used,
            Free = free,
            Percent = total == 0 ? 0 : Math.Round((double)used / total * 100, 1),
        };
    }
}
