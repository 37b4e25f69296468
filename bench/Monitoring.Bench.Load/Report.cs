using System.Globalization;
using System.Text;

namespace Monitoring.Bench.Load;

/// <summary>The printed result: one row per run, then the details behind it.</summary>
public sealed class Report(string? outputPath)
{
    public const string Header =
        "round target    accepted/s   p50 ms   p90 ms   p99 ms  p99.9 ms   max ms   2xx (window)   errors   CPU us/sample (per process)";

    private readonly StringBuilder _text = new();

    public void Line(string line)
    {
        Console.WriteLine(line);
        _text.AppendLine(line);
    }

    public async Task FlushAsync()
    {
        if (outputPath is not null)
        {
            await File.WriteAllTextAsync(outputPath, _text.ToString());
        }
    }

    public static string Row(RunResult r)
    {
        var cpu = r.ProcessCpu.Select(p => $"{p.Name} {PerSample(p.CpuSeconds, r)}")
            .Append($"generator {PerSample(r.GeneratorCpuSeconds, r)}");
        return string.Create(
            CultureInfo.InvariantCulture,
            $"{r.Round,5} {r.Target,-8} {r.AcceptedPerSecond,11:0} {r.LatencyMilliseconds(50),8:0.00} {r.LatencyMilliseconds(90),8:0.00} {r.LatencyMilliseconds(99),8:0.00} {r.LatencyMilliseconds(99.9),9:0.00} {r.LatencyMilliseconds(100),8:0.0} {r.Measured.Accepted,14} {r.Measured.Errors,8}   {string.Join(", ", cpu)}");
    }

    public static string Details(RunResult r)
    {
        var rejected = r.Whole.RejectedByStatus.Count == 0
            ? "none"
            : string.Join(", ", r.Whole.RejectedByStatus.OrderBy(p => p.Key).Select(p => $"{p.Key} x{p.Value}"));
        return string.Create(
            CultureInfo.InvariantCulture,
            $"round {r.Round} {r.Target}: warm-up {r.WarmupSeconds:0.0} s{(r.WarmupCapped ? " (capped before every agent had sent once)" : "")} of which first pass over all agents {r.FirstPassSeconds:0.0} s, {r.WarmupAccepted} accepted in it; window {r.MeasuredSeconds:0.000} s, machine CPU busy {r.MachineBusyFraction * 100:0} %, other processes {r.OtherProcessesCores:0.00} cores; whole run incl. warm-up: 2xx {r.Whole.Accepted} (without success body {r.Whole.AcceptedWithoutSuccessBody}), non-2xx {r.Whole.Rejected} [{rejected}], connect failures {r.Whole.ConnectFailed}, broken after send {r.Whole.Broken}, timed out {r.Whole.TimedOut}");
    }

    /// <summary>Accepted answers per second of the window, in thousands: stalls (checkpoints, GC) show as dips.</summary>
    public static string Timeline(RunResult r) =>
        $"round {r.Round} {r.Target}: accepted per second of the window (k): "
        + string.Join(' ', r.AcceptedEachSecond.Take(r.AcceptedEachSecond.Length - 1).Select(n => (n / 1000.0).ToString("0.0", CultureInfo.InvariantCulture)))
        + $" (+{r.AcceptedEachSecond[^1]} after the window)";

    private static string PerSample(double? cpuSeconds, RunResult r) =>
        cpuSeconds is null || r.Measured.Accepted == 0
            ? "n/a"
            : (cpuSeconds.Value / r.Measured.Accepted * 1_000_000).ToString("0.0", CultureInfo.InvariantCulture);
}
