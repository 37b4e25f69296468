namespace Monitoring.Agent.Collectors;

/// <summary>Differences of kernel counters that only grow, until they wrap at their width or reset to zero.</summary>
internal static class Counter
{
    /// <summary>Width of the kernel's <c>unsigned long</c> counters, such as the sector counts of <c>/proc/diskstats</c>.</summary>
    public static int NativeBits { get; } = Environment.Is64BitOperatingSystem ? 64 : 32;

    /// <summary>
    /// How much the counter grew from <paramref name="earlier"/> to <paramref name="later"/>. A counter that went backwards
    /// wrapped when it was in the upper half of its <paramref name="bits"/>-bit range; otherwise it was reset (a reboot, a
    /// driver reload, an interface re-created) and counted up from zero to <paramref name="later"/>.
    /// </summary>
    public static ulong Delta(ulong earlier, ulong later, int bits)
    {
        if (later >= earlier)
        {
            return later - earlier;
        }

        var max = bits >= 64 ? ulong.MaxValue : (1UL << bits) - 1;
        return earlier <= max && earlier > max / 2 ? max - earlier + later + 1 : later;
    }

    /// <summary>Per second over <paramref name="seconds"/>, rounded to a tenth.</summary>
    public static double Rate(double amount, double seconds) => Math.Round(amount / seconds, 1);
}
