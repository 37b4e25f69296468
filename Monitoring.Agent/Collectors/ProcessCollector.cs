using System.Runtime.InteropServices;
using Microsoft.Extensions.Options;
using Monitoring.Agent.Configuration;
using Monitoring.Contracts;

namespace Monitoring.Agent.Collectors;

/// <summary>
/// Reads the sample's top processes within <c>PROCESSES_TIMEOUT</c>: CPU between two readings of the process table, like
/// the host's CPU (the first sample measures a short window); left out when <c>TOP_PROCESSES</c> is 0 or the table
/// cannot be read.
/// </summary>
internal sealed partial class ProcessCollector
{
    private const int ClockTicksName = 2;

    private readonly SystemSources _sources;
    private readonly TimeProvider _time;
    private readonly BoundedPart _part;
    private readonly int _count;
    private ProcessTable? _previous;

    public ProcessCollector(SystemSources sources, IOptions<AgentOptions> options, TimeProvider time, ILogger<ProcessCollector> logger)
    {
        _sources = sources;
        _time = time;
        _count = OperatingSystem.IsLinux() ? options.Value.TopProcesses : 0;
        _part = new BoundedPart("top processes", AgentOptions.ProcessesTimeoutKey, TimeSpan.FromSeconds(options.Value.ProcessesTimeout), time, logger);
    }

    /// <summary>USER_HZ, the unit of the CPU times in <c>/proc</c>: 100 on every current architecture, asked for all the same.</summary>
    public static long TicksPerSecond { get; } = OperatingSystem.IsLinux() && Sysconf(ClockTicksName) is > 0 and var ticks ? ticks : 100;

    public async Task<TopProcesses?> CollectAsync(CancellationToken cancellationToken)
    {
        if (_count == 0)
        {
            return null;
        }

        if (_previous is null)
        {
            var window = Task.Delay(SystemCollector.FirstCpuWindow, _time, cancellationToken);
            _previous = await _part.ReadAsync(ReadTable, cancellationToken);
            if (_previous is null)
            {
                return null;
            }

            await window;
        }

        if (await _part.ReadAsync(ReadTable, cancellationToken) is not { } now)
        {
            return null;
        }

        var earlier = _previous;
        _previous = now;
        return now.Top(earlier, _time.GetElapsedTime(earlier.Timestamp, now.Timestamp).TotalSeconds, TicksPerSecond, Environment.SystemPageSize, _count);
    }

    private ProcessTable ReadTable() => ProcessTable.Read(_sources.ProcDirectory, _time.GetTimestamp());

    [LibraryImport("libc", EntryPoint = "sysconf")]
    private static partial long Sysconf(int name);
}
