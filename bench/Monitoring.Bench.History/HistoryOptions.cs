using System.Globalization;
using Monitoring.Contracts;

namespace Monitoring.Bench.History;

/// <summary>Command-line settings; every wrong value fails before anything is sent, naming the option.</summary>
public sealed record HistoryOptions
{
    public const string Usage = """
        Monitoring.Bench.History: loads weeks of full agent samples through POST /api/v1/metrics/batch, then times
        history queries over HTTP.

          --api URL           the product's API (required), e.g. http://127.0.0.1:5080
          --pid NAME=PID      a process whose resident memory is reported (repeatable: silo=..., api=...)
          --agents N          simulated agents (default 100)
          --days N            days of samples per agent, ending now (default 7)
          --interval SECONDS  seconds between an agent's samples (default 60)
          --parallel N        agents loading at the same time, one batch in flight each (default 4)
          --queries N         timed requests of each query kind, each for a random agent (default 200)
          --warmup N          untimed requests of each kind before the timed ones (default 10)
          --seed N            seed of the simulated hosts and of the agent choice (default 1)
          --samples PATH      replay the real agent's bodies recorded in PATH (one JSON object per line) instead of
                              simulated hosts: each agent sends them in turn, with its own identity and timestamps
          --storage-timeout SECONDS  longest wait for GET /api/v1/storage to report nothing pending (default 1800)
          --out PATH          also write the report to this file
        """;

    public Uri Api { get; init; } = null!;

    public IReadOnlyList<(string Name, int Pid)> Processes { get; init; } = [];

    public int Agents { get; init; } = 100;

    public int Days { get; init; } = 7;

    public int IntervalSeconds { get; init; } = 60;

    public int Parallel { get; init; } = 4;

    public int Queries { get; init; } = 200;

    public int Warmup { get; init; } = 10;

    public int Seed { get; init; } = 1;

    public TimeSpan StorageTimeout { get; init; } = TimeSpan.FromMinutes(30);

    public string? Output { get; init; }

    /// <summary>The real agent's recorded bodies (<c>--samples</c>), or null for simulated hosts.</summary>
    public IReadOnlyList<MetricsReport>? Recorded { get; init; }

    public TimeSpan Span => TimeSpan.FromDays(Days);

    public int SamplesPerAgent => (int)(Span.TotalSeconds / IntervalSeconds);

    public static HistoryOptions Parse(string[] args)
    {
        var options = new HistoryOptions();
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
                "--days" => options with { Days = Number(1, 365) },
                "--interval" => options with { IntervalSeconds = Number(1, 86_400) },
                "--parallel" => options with { Parallel = Number(1, 256) },
                "--queries" => options with { Queries = Number(0, 1_000_000) },
                "--warmup" => options with { Warmup = Number(0, 10_000) },
                "--seed" => options with { Seed = Number(0, int.MaxValue) },
                "--storage-timeout" => options with { StorageTimeout = TimeSpan.FromSeconds(Number(0, 86_400)) },
                "--out" => options with { Output = Value() },
                "--samples" => options with { Recorded = RecordedHost.Load(Value()) },
                _ => throw new ArgumentException($"Unknown option '{name}'."),
            };
        }

        if (options.Api is null)
        {
            throw new ArgumentException("--api is required.");
        }

        if (options.SamplesPerAgent < 1)
        {
            throw new ArgumentException("--interval is longer than --days: no agent would send a sample.");
        }

        return options;
    }

    private static (string Name, int Pid) ParseProcess(string value)
    {
        var parts = value.Split('=', 2);
        return parts.Length == 2 && parts[0].Length > 0 && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var pid) && pid > 0
            ? (parts[0], pid)
            : throw new ArgumentException($"--pid must be NAME=PID, not '{value}'.");
    }
}
