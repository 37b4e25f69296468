using System.Buffers.Text;
using System.Globalization;
using System.IO.Enumeration;
using System.Text;
using Monitoring.Contracts;

namespace Monitoring.Agent.Collectors;

/// <summary>One process as <c>/proc/[pid]/stat</c> shows it: CPU ticks (user + system) and resident pages so far.</summary>
internal readonly record struct ProcessEntry(string Name, ulong StartTime, ulong CpuTicks, long ResidentPages);

/// <summary>
/// Every process of <c>/proc</c> at one moment, keyed by pid, with the monotonic time it was read at. The resident set is
/// <c>stat</c>'s <c>rss</c> field: the counter <c>statm</c> and <c>status</c> (<c>VmRSS</c>) print too, so one file per
/// process is read, not two.
/// </summary>
internal sealed class ProcessTable(long timestamp, Dictionary<int, ProcessEntry> processes)
{
    public long Timestamp { get; } = timestamp;

    public IReadOnlyDictionary<int, ProcessEntry> Processes => processes;

    public static ProcessTable Read(string procDirectory, long timestamp)
    {
        var processes = new Dictionary<int, ProcessEntry>();
        var buffer = new byte[2048];
        var pids = new FileSystemEnumerable<int>(
            procDirectory,
            static (ref entry) => int.Parse(entry.FileName, NumberStyles.None, CultureInfo.InvariantCulture),
            new EnumerationOptions { AttributesToSkip = 0, IgnoreInaccessible = true })
        {
            ShouldIncludePredicate = static (ref entry) => entry.IsDirectory && IsPid(entry.FileName),
        };
        foreach (var pid in pids)
        {
            if (ReadStat(Path.Combine(procDirectory, pid.ToString(CultureInfo.InvariantCulture), "stat"), buffer) is { } length
                && Parse(buffer.AsSpan(0, length)) is { } entry)
            {
                processes[pid] = entry;
            }
        }

        return new(timestamp, processes);
    }

    /// <summary>
    /// Parses a <c>stat</c> line. The command name is between the first <c>(</c> and the last <c>)</c>, since it may hold
    /// spaces and parentheses itself; the fields after it are counted from <c>state</c> (field 3 of proc(5)).
    /// </summary>
    public static ProcessEntry? Parse(ReadOnlySpan<byte> stat)
    {
        var open = stat.IndexOf((byte)'(');
        var close = stat.LastIndexOf((byte)')');
        if (open < 0 || close < open)
        {
            return null;
        }

        ulong utime = 0, stime = 0, start = 0;
        long rss = 0;
        var field = 3;
        var parsed = 0;
        foreach (var range in stat[(close + 1)..].Split((byte)' '))
        {
            var token = stat[(close + 1)..][range];
            if (token.IsEmpty)
            {
                continue;
            }

            switch (field++)
            {
                case 14: parsed += Utf8Parser.TryParse(token, out utime, out _) ? 1 : 0; break;
                case 15: parsed += Utf8Parser.TryParse(token, out stime, out _) ? 1 : 0; break;
                case 22: parsed += Utf8Parser.TryParse(token, out start, out _) ? 1 : 0; break;
                case 24: parsed += Utf8Parser.TryParse(token, out rss, out _) ? 1 : 0; break;
            }

            if (field > 24)
            {
                break;
            }
        }

        return parsed == 4 ? new ProcessEntry(Encoding.UTF8.GetString(stat[(open + 1)..close]), start, utime + stime, Math.Max(rss, 0)) : null;
    }

    /// <summary>
    /// The busiest and the largest <paramref name="count"/> processes of this table. CPU is the ticks since
    /// <paramref name="earlier"/> as a percent of one CPU; a process not in it (or whose pid now belongs to a process
    /// started later) began in between, so all its ticks are. Processes that used no CPU are not listed by CPU, those
    /// without resident memory (kernel threads) not by memory.
    /// </summary>
    public TopProcesses Top(ProcessTable earlier, double seconds, long ticksPerSecond, long pageSize, int count)
    {
        var byCpu = new List<ProcessUsage>(count + 1);
        var byMemory = new List<ProcessUsage>(count + 1);
        foreach (var (pid, process) in processes)
        {
            var ticks = earlier.Processes.TryGetValue(pid, out var before) && before.StartTime == process.StartTime
                ? Counter.Delta(before.CpuTicks, process.CpuTicks, 64)
                : process.CpuTicks;
            var percent = seconds > 0 ? Math.Round(ticks / (double)ticksPerSecond / seconds * 100, 1) : 0;
            var usage = new ProcessUsage(pid, process.Name, Math.Min(percent, SampleLimits.MaxProcessCpuPercent), process.ResidentPages * pageSize);
            if (usage.CpuPercent > 0)
            {
                Insert(byCpu, usage, count, static (a, b) => a.CpuPercent != b.CpuPercent ? a.CpuPercent > b.CpuPercent : a.RssBytes != b.RssBytes ? a.RssBytes > b.RssBytes : a.Pid < b.Pid);
            }

            if (usage.RssBytes > 0)
            {
                Insert(byMemory, usage, count, static (a, b) => a.RssBytes != b.RssBytes ? a.RssBytes > b.RssBytes : a.CpuPercent != b.CpuPercent ? a.CpuPercent > b.CpuPercent : a.Pid < b.Pid);
            }
        }

        return new TopProcesses { Total = processes.Count, ByCpu = Describe(byCpu), ByMemory = Describe(byMemory) };
    }

    /// <summary>Keeps <paramref name="top"/> the first <paramref name="count"/> processes in order: a few comparisons per process, no sort of the whole table.</summary>
    private static void Insert(List<ProcessUsage> top, ProcessUsage candidate, int count, Func<ProcessUsage, ProcessUsage, bool> before)
    {
        var at = top.Count;
        while (at > 0 && before(candidate, top[at - 1]))
        {
            at--;
        }

        if (at < count)
        {
            top.Insert(at, candidate);
            if (top.Count > count)
            {
                top.RemoveAt(count);
            }
        }
    }

    private static ProcessMetrics[] Describe(List<ProcessUsage> top)
    {
        var described = new ProcessMetrics[top.Count];
        for (var i = 0; i < described.Length; i++)
        {
            described[i] = new ProcessMetrics
            {
                Pid = top[i].Pid,
                Name = SafeName.Clean(top[i].Name, SampleLimits.MaxProcessNameLength),
                CpuPercent = top[i].CpuPercent,
                RssBytes = top[i].RssBytes,
            };
        }

        return described;
    }

    private static bool IsPid(ReadOnlySpan<char> name)
    {
        foreach (var c in name)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }
        }

        return name.Length is > 0 and < 10;
    }

    /// <summary>The bytes of one process' <c>stat</c>, or null when the process ended since <c>/proc</c> was listed.</summary>
    private static int? ReadStat(string path, byte[] buffer)
    {
        try
        {
            using var handle = File.OpenHandle(path);
            return RandomAccess.Read(handle, buffer, 0);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private sealed record ProcessUsage(int Pid, string Name, double CpuPercent, long RssBytes);
}
