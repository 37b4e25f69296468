using System.Globalization;
using Monitoring.Bench.History;
using Monitoring.Contracts;

namespace Monitoring.Bench.Soak;

/// <summary>Command-line settings; every wrong value fails before anything is sent, naming the option.</summary>
public sealed record SoakOptions
{
    public const string Usage = """
        Monitoring.Bench.Soak: a fleet of simulated agents, each POSTing one full sample per interval at its own phase,
        for a fixed time at a fixed rate (open loop: a slow answer does not slow the fleet down). Reports per minute the
        answers, the ingest latency and the processes' memory, then checks that history holds one sample per 2xx.

          --api URL             the product's API (required), e.g. http://127.0.0.1:5080
          --pid NAME=PID        a process whose resident memory is sampled (repeatable: silo=..., api=...)
          --agents N            simulated agents (default 10000)
          --interval SECONDS    seconds between an agent's samples (default 10): agents / interval samples per second
          --warmup MINUTES      minutes before the measured window, memory not judged (default 5)
          --minutes N           the measured window (default 30)
          --in-flight N         most requests in flight at once (default 256)
          --seed N              seed of the simulated hosts (default 1)
          --samples PATH        replay the real agent's bodies recorded by bench/record-agent.sh instead of simulated hosts
          --out PATH            also write the report to this file
        """;

    public Uri Api { get; init; } = null!;

    public IReadOnlyList<(string Name, int Pid)> Processes { get; init; } = [];

    public int Agents { get; init; } = 10_000;

    public int IntervalSeconds { get; init; } = 10;

    public int WarmupMinutes { get; init; } = 5;

    public int Minutes { get; init; } = 30;

    public int InFlight { get; init; } = 256;

    public int Seed { get; init; } = 1;

    public string? Output { get; init; }

    /// <summary>The real agent's recorded bodies to replay, or null for simulated hosts.</summary>
    public IReadOnlyList<MetricsReport>? Recorded { get; init; }

    public static SoakOptions Parse(string[] args)
    {
        var options = new SoakOptions();
        for (var i = 0; i < args.Length; i++)
        {
            var name = args[i];
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{name} needs a value.");
            int Number(int min, int max)
            {
                var text = Value();
                return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max
                    ? n
                    : throw new ArgumentException($"{name} must be a whole number from {min} to {max}, not '{text}'.");
            }

            options = name switch
            {
                "--api" => options with { Api = Uri.TryCreate(Value(), UriKind.Absolute, out var api) ? api : throw new ArgumentException("--api must be an absolute URL.") },
                "--pid" => options with { Processes = [.. options.Processes, ParseProcess(Value())] },
                "--agents" => options with { Agents = Number(1, 100_000) },
                "--interval" => options with { IntervalSeconds = Number(1, 3600) },
                "--warmup" => options with { WarmupMinutes = Number(0, 600) },
                "--minutes" => options with { Minutes = Number(1, 24 * 60) },
                "--in-flight" => options with { InFlight = Number(1, 4096) },
                "--seed" => options with { Seed = Number(0, int.MaxValue) },
                "--out" => options with { Output = Value() },
                "--samples" => options with { Recorded = RecordedHost.Load(Value()) },
                _ => throw new ArgumentException($"Unknown option '{name}'."),
            };
        }

        return options.Api is null ? throw new ArgumentException("--api is required.") : options;
    }

    private static (string Name, int Pid) ParseProcess(string value)
    {
        var parts = value.Split('=', 2);
        return parts.Length == 2 && parts[0].Length > 0 && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var pid) && pid > 0
            ? (parts[0], pid)
            : throw new ArgumentException($"--pid must be NAME=PID, not '{value}'.");
    }
}
