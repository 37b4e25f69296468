using System.Diagnostics;
using System.Net;

namespace Monitoring.Bench.Load;

/// <summary>A server under test: where to send samples and which processes do its work.</summary>
public sealed record Target(string Name, IPEndPoint Endpoint, string Host, IReadOnlyList<(string Name, int Pid)> Processes)
{
    /// <summary>Every sample ever sent to this target is numbered from here, across rounds, so none repeats.</summary>
    public long NextSequence;
}

public sealed class Tally
{
    public long Accepted;
    public long AcceptedWithoutSuccessBody;
    public long Rejected;
    public long ConnectFailed;
    public long Broken;
    public long TimedOut;
    public readonly Dictionary<int, long> RejectedByStatus = [];

    public long Ambiguous => Broken + TimedOut;

    public long Errors => Rejected + ConnectFailed + Broken + TimedOut;

    public void Add(Outcome outcome)
    {
        switch (outcome.Kind)
        {
            case OutcomeKind.Answered when outcome.StatusCode is >= 200 and < 300:
                Accepted++;
                if (!outcome.SuccessBody)
                {
                    AcceptedWithoutSuccessBody++;
                }

                break;
            case OutcomeKind.Answered:
                Rejected++;
                RejectedByStatus[outcome.StatusCode] = RejectedByStatus.GetValueOrDefault(outcome.StatusCode) + 1;
                break;
            case OutcomeKind.ConnectFailed:
                ConnectFailed++;
                break;
            case OutcomeKind.Broken:
                Broken++;
                break;
            case OutcomeKind.TimedOut:
                TimedOut++;
                break;
        }
    }

    public void Merge(Tally other)
    {
        Accepted += other.Accepted;
        AcceptedWithoutSuccessBody += other.AcceptedWithoutSuccessBody;
        Rejected += other.Rejected;
        ConnectFailed += other.ConnectFailed;
        Broken += other.Broken;
        TimedOut += other.TimedOut;
        foreach (var (status, count) in other.RejectedByStatus)
        {
            RejectedByStatus[status] = RejectedByStatus.GetValueOrDefault(status) + count;
        }
    }
}

/// <summary>What one timed run against one target measured.</summary>
public sealed record RunResult(
    string Target,
    int Round,
    Tally Whole,
    Tally Measured,
    double MeasuredSeconds,
    int[] LatenciesMicroseconds,
    IReadOnlyList<(string Name, double? CpuSeconds)> ProcessCpu,
    double GeneratorCpuSeconds,
    double MachineBusyFraction,
    double WarmupSeconds,
    double FirstPassSeconds,
    bool WarmupCapped,
    double OtherProcessesCores,
    long[] AcceptedEachSecond)
{
    public long WarmupAccepted => Whole.Accepted - Measured.Accepted;

    public double AcceptedPerSecond => Measured.Accepted / MeasuredSeconds;

    public double LatencyMilliseconds(double percentile)
    {
        if (LatenciesMicroseconds.Length == 0)
        {
            return double.NaN;
        }

        var index = (int)Math.Ceiling(percentile / 100 * LatenciesMicroseconds.Length) - 1;
        return LatenciesMicroseconds[Math.Clamp(index, 0, LatenciesMicroseconds.Length - 1)] / 1000.0;
    }
}

/// <summary>
/// Drives a fixed number of keep-alive connections at full speed: a warm-up that is not measured, then the
/// measured window; at the deadline no new request starts and every request in flight is awaited, so the
/// count of 2xx answers is exact.
/// </summary>
public static class LoadRun
{
    public static async Task<RunResult> RunAsync(Target target, SampleTemplate template, LoadOptions options, int round)
    {
        var frequency = (double)Stopwatch.Frequency;
        var start = Stopwatch.GetTimestamp();
        var firstSequence = Volatile.Read(ref target.NextSequence);
        var window = new Window(DateTime.UtcNow + options.MaxWarmup + options.Duration + options.DrainTimeout, (int)Math.Ceiling(options.Duration.TotalSeconds));
        using var drain = new CancellationTokenSource(options.MaxWarmup + options.Duration + options.DrainTimeout);

        var workers = Enumerable.Range(0, options.Connections).Select(_ => new Worker(target, template, window)).ToArray();
        var running = workers.Select(w => options.Io == IoModel.Threads
                ? StartThread(w.Run)
                : Task.Run(() => w.RunAsync(drain.Token)))
            .ToArray();

        // Every agent sends once first: its first sample activates its grain and registers it, a one-off cost reported
        // apart. Then --warmup more seconds of the steady path, so tiered JIT has compiled that path too.
        var warmupCapped = false;
        long? everyAgentSentAt = null;
        while (true)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(20));
            var now = Stopwatch.GetTimestamp();
            if (everyAgentSentAt is null && Volatile.Read(ref target.NextSequence) - firstSequence >= options.Agents)
            {
                everyAgentSentAt = now;
            }

            if (everyAgentSentAt is { } firstPassDone && Stopwatch.GetElapsedTime(firstPassDone, now) >= options.Warmup)
            {
                break;
            }

            if (Stopwatch.GetElapsedTime(start, now) >= options.MaxWarmup)
            {
                warmupCapped = true;
                break;
            }
        }

        var processCpuBefore = target.Processes.Select(p => CpuClock.ProcessSeconds(p.Pid)).ToArray();
        var generatorBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var machineBefore = CpuClock.MachineSeconds();
        var measuredFrom = Stopwatch.GetTimestamp();
        var deadline = measuredFrom + (long)(options.Duration.TotalSeconds * frequency);
        window.Open(measuredFrom, deadline, DateTime.UtcNow + options.Duration + options.DrainTimeout);
        drain.CancelAfter(options.Duration + options.DrainTimeout);

        await Task.Delay(options.Duration);
        var processCpuAfter = target.Processes.Select(p => CpuClock.ProcessSeconds(p.Pid)).ToArray();
        var generatorAfter = Process.GetCurrentProcess().TotalProcessorTime;
        var machineAfter = CpuClock.MachineSeconds();

        await Task.WhenAll(running);

        var whole = new Tally();
        var measured = new Tally();
        var lastCompletion = deadline;
        foreach (var worker in workers)
        {
            whole.Merge(worker.Whole);
            measured.Merge(worker.Measured);
            lastCompletion = Math.Max(lastCompletion, worker.LastMeasuredCompletion);
            worker.Dispose();
        }

        var latencies = workers.SelectMany(w => w.Latencies.Take(w.LatencyCount)).ToArray();
        var perSecond = Enumerable.Range(0, window.Seconds + 1).Select(i => workers.Sum(w => w.AcceptedPerSecond[i])).ToArray();
        Array.Sort(latencies);

        var processCpu = target.Processes
            .Select((p, i) => (p.Name, processCpuAfter[i] - processCpuBefore[i]))
            .ToArray();
        var generatorCpu = (generatorAfter - generatorBefore).TotalSeconds;
        var machineTotal = machineAfter.Total - machineBefore.Total;
        var machineBusy = machineAfter.Busy - machineBefore.Busy;
        var measuredSeconds = options.Duration.TotalSeconds;
        var otherCores = (machineBusy - generatorCpu - processCpu.Sum(p => p.Item2 ?? 0)) / measuredSeconds;
        return new RunResult(
            target.Name,
            round,
            whole,
            measured,
            (lastCompletion - measuredFrom) / frequency,
            latencies,
            processCpu,
            generatorCpu,
            machineTotal > 0 ? machineBusy / machineTotal : double.NaN,
            (measuredFrom - start) / frequency,
            ((everyAgentSentAt ?? measuredFrom) - start) / frequency,
            warmupCapped,
            otherCores,
            perSecond);
    }

    /// <summary>When the measured window opens and closes; set once by the run, read by every worker.</summary>
    private sealed class Window(DateTime giveUpAtUtc, int seconds)
    {
        public int Seconds { get; } = seconds;

        private long _measuredFrom = long.MaxValue;
        private long _deadline = long.MaxValue;
        private long _giveUpAtUtcTicks = giveUpAtUtc.Ticks;

        public long MeasuredFrom => Volatile.Read(ref _measuredFrom);

        public long Deadline => Volatile.Read(ref _deadline);

        public DateTime GiveUpAtUtc => new(Volatile.Read(ref _giveUpAtUtcTicks), DateTimeKind.Utc);

        public void Open(long measuredFrom, long deadline, DateTime giveUpAtUtc)
        {
            Volatile.Write(ref _giveUpAtUtcTicks, giveUpAtUtc.Ticks);
            Volatile.Write(ref _deadline, deadline);
            Volatile.Write(ref _measuredFrom, measuredFrom);
        }
    }

    private static Task StartThread(Action work)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            try
            {
                work();
                done.SetResult();
            }
            catch (Exception e)
            {
                done.SetException(e);
            }
        })
        {
            IsBackground = true,
            Name = "load worker",
        };
        thread.Start();
        return done.Task;
    }

    private sealed class Worker(Target target, SampleTemplate template, Window window) : IDisposable
    {
        private readonly HttpConnection _connection = new(target.Endpoint);
        private readonly byte[] _request = template.NewRequestBuffer();

        public Tally Whole { get; } = new();

        public Tally Measured { get; } = new();

        public int[] Latencies { get; private set; } = new int[64 * 1024];

        public int LatencyCount { get; private set; }

        public long LastMeasuredCompletion { get; private set; }

        /// <summary>Accepted answers by the second of the window they arrived in; the last slot takes the drain.</summary>
        public long[] AcceptedPerSecond { get; } = new long[window.Seconds + 1];

        public async Task RunAsync(CancellationToken drain)
        {
            while (!drain.IsCancellationRequested)
            {
                var started = Stopwatch.GetTimestamp();
                if (started >= window.Deadline)
                {
                    return;
                }

                var sequence = Interlocked.Increment(ref target.NextSequence) - 1;
                template.Write(_request, sequence);
                var outcome = await _connection.SendAsync(_request, drain);
                if (Record(outcome, started))
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(50), CancellationToken.None);
                }
            }
        }

        public void Run()
        {
            while (DateTime.UtcNow < window.GiveUpAtUtc)
            {
                var started = Stopwatch.GetTimestamp();
                if (started >= window.Deadline)
                {
                    return;
                }

                var sequence = Interlocked.Increment(ref target.NextSequence) - 1;
                template.Write(_request, sequence);
                var outcome = _connection.Send(_request, window.GiveUpAtUtc);
                if (Record(outcome, started))
                {
                    Thread.Sleep(50);
                }
            }
        }

        /// <summary>Counts one outcome; true when the connection failed and the worker should pause before retrying.</summary>
        private bool Record(Outcome outcome, long started)
        {
            var finished = Stopwatch.GetTimestamp();
            Whole.Add(outcome);
            if (started >= window.MeasuredFrom)
            {
                Measured.Add(outcome);
                LastMeasuredCompletion = finished;
                if (outcome is { Kind: OutcomeKind.Answered, StatusCode: >= 200 and < 300 })
                {
                    RecordLatency((int)((finished - started) * 1_000_000 / Stopwatch.Frequency));
                    var second = (int)((finished - window.MeasuredFrom) / Stopwatch.Frequency);
                    AcceptedPerSecond[Math.Min(second, AcceptedPerSecond.Length - 1)]++;
                }
            }

            return outcome.Kind is OutcomeKind.ConnectFailed or OutcomeKind.Broken;
        }

        public void Dispose() => _connection.Dispose();

        private void RecordLatency(int microseconds)
        {
            if (LatencyCount == Latencies.Length)
            {
                var larger = new int[Latencies.Length * 2];
                Latencies.CopyTo(larger, 0);
                Latencies = larger;
            }

            Latencies[LatencyCount++] = microseconds;
        }
    }
}
