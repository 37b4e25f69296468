using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Monitoring.Bench.Load;

public enum IoModel
{
    Threads,
    Async,
}

/// <summary>Command-line settings; every wrong value fails before any load is sent, naming the option.</summary>
public sealed record LoadOptions
{
    public const string Usage = """
        Monitoring.Bench.Load: posts seed-shaped samples to POST /api/v1/metrics at full speed and counts every answer.

          --ours URL              the product's API (e.g. http://127.0.0.1:5080)
          --baseline URL          the bare Kestrel baseline (e.g. http://127.0.0.1:5090)
          --ours-pid NAME=PID     a process doing the product's work, for CPU per sample (repeatable: api=..., silo=...)
          --baseline-pid NAME=PID the baseline's process (repeatable)
          --peer URL              a time-series database taking one InfluxDB line-protocol point per POST /write
                                  (e.g. VictoriaMetrics), measured like ours against the same baseline
          --peer-pid NAME=PID     the peer's process (repeatable)
          --get-latest            read instead of write: each request is GET /api/v1/metrics/agent-N/latest
                                  (post every agent once before, e.g. with a short write run); not with --peer
          --db PATH               the product's SQLite file: checks history rows == 2xx answers from --ours
          --reposts N             after the runs, re-post the first N samples sent to --ours and check that
                                  they are answered 2xx and add no row (default 1000; 0 skips; needs --db)
          --agents N              distinct agents (default 10000)
          --connections N         concurrent keep-alive connections (default 32)
          --duration SECONDS      measured window per target (default 15)
          --warmup SECONDS        unmeasured: first every agent sends once (grain activation), then this
                                  many seconds more (default 10: tiered JIT needs ~8 s on 2 busy cores)
          --max-warmup SECONDS    start measuring anyway after this much warm-up (default 180)
          --rounds N              baseline/ours pairs, order alternating (default 1)
          --drain-timeout SECONDS wait for requests in flight at the deadline (default 30)
          --io async|threads      async sockets completed inline on the epoll threads (default, least CPU),
                                  or one thread per connection on a blocking socket
          --out PATH              also write the report to this file
        """;

    public Uri? Ours { get; init; }

    public Uri? Baseline { get; init; }

    public Uri? Peer { get; init; }

    public bool GetLatest { get; init; }

    public IReadOnlyList<(string Name, int Pid)> OursProcesses { get; init; } = [];

    public IReadOnlyList<(string Name, int Pid)> BaselineProcesses { get; init; } = [];

    public IReadOnlyList<(string Name, int Pid)> PeerProcesses { get; init; } = [];

    public string? Database { get; init; }


    public int Reposts { get; init; } = 1000;

    public int Agents { get; init; } = 10_000;

    public int Connections { get; init; } = 32;

    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(15);

    public TimeSpan Warmup { get; init; } = TimeSpan.FromSeconds(10);

    public TimeSpan MaxWarmup { get; init; } = TimeSpan.FromSeconds(180);

    public int Rounds { get; init; } = 1;

    public TimeSpan DrainTimeout { get; init; } = TimeSpan.FromSeconds(30);

    public string? Output { get; init; }

    public IoModel Io { get; init; } = IoModel.Async;

    public static LoadOptions Parse(string[] args)
    {
        var options = new LoadOptions();
        var ours = new List<(string, int)>();
        var baseline = new List<(string, int)>();
        var peer = new List<(string, int)>();
        for (var i = 0; i < args.Length; i++)
        {
            var name = args[i];
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{name} needs a value.");
            if (name == "--get-latest")
            {
                options = options with { GetLatest = true };
                continue;
            }

            options = name switch
            {
                "--ours" => options with { Ours = ParseUri(name, Value()) },
                "--baseline" => options with { Baseline = ParseUri(name, Value()) },
                "--ours-pid" => Add(ours, name, Value(), options),
                "--baseline-pid" => Add(baseline, name, Value(), options),
                "--peer" => options with { Peer = ParseUri(name, Value()) },
                "--peer-pid" => Add(peer, name, Value(), options),
                "--db" => options with { Database = Value() },
                "--reposts" => options with { Reposts = int.TryParse(Value(), CultureInfo.InvariantCulture, out var n) && n >= 0 ? n : throw new ArgumentException("--reposts wants a whole number >= 0.") },
                "--agents" => options with { Agents = Positive(name, Value()) },
                "--connections" => options with { Connections = Positive(name, Value()) },
                "--duration" => options with { Duration = Seconds(name, Value()) },
                "--warmup" => options with { Warmup = Seconds(name, Value(), allowZero: true) },
                "--max-warmup" => options with { MaxWarmup = Seconds(name, Value()) },
                "--rounds" => options with { Rounds = Positive(name, Value()) },
                "--drain-timeout" => options with { DrainTimeout = Seconds(name, Value()) },
                "--out" => options with { Output = Value() },
                "--io" => options with { Io = Value() switch
                {
                    "threads" => IoModel.Threads,
                    "async" => IoModel.Async,
                    var other => throw new ArgumentException($"--io wants threads or async, got '{other}'."),
                } },
                _ => throw new ArgumentException($"Unknown option {name}."),
            };
        }

        if (options.Ours is null && options.Baseline is null && options.Peer is null)
        {
            throw new ArgumentException("Give --ours, --baseline, --peer or several.");
        }

        if (options.GetLatest && (options.Peer is not null || options.Database is not null))
        {
            throw new ArgumentException("--get-latest reads; it takes neither --peer nor --db.");
        }

        if (options.Database is not null && options.Ours is null)
        {
            throw new ArgumentException("--db checks the rows stored by --ours; give --ours too.");
        }

        return options with { OursProcesses = ours, BaselineProcesses = baseline, PeerProcesses = peer };
    }

    public static Target ToTarget(string name, Uri uri, IReadOnlyList<(string Name, int Pid)> processes)
    {
        var address = IPAddress.TryParse(uri.Host.Trim('[', ']'), out var literal)
            ? literal
            : Dns.GetHostAddresses(uri.Host).OrderBy(a => a.AddressFamily == AddressFamily.InterNetwork ? 0 : 1).First();
        return new Target(name, new IPEndPoint(address, uri.Port), $"{uri.Host}:{uri.Port}", processes);
    }

    private static LoadOptions Add(List<(string, int)> processes, string option, string value, LoadOptions options)
    {
        var parts = value.Split('=', 2);
        if (parts.Length != 2 || parts[0].Length == 0 || !int.TryParse(parts[1], CultureInfo.InvariantCulture, out var pid) || pid <= 0)
        {
            throw new ArgumentException($"{option} wants NAME=PID, got '{value}'.");
        }

        processes.Add((parts[0], pid));
        return options;
    }

    private static Uri ParseUri(string option, string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && uri.Scheme == Uri.UriSchemeHttp
            ? uri
            : throw new ArgumentException($"{option} wants an http:// URL, got '{value}'.");

    private static int Positive(string option, string value) =>
        int.TryParse(value, CultureInfo.InvariantCulture, out var number) && number > 0
            ? number
            : throw new ArgumentException($"{option} wants a positive whole number, got '{value}'.");

    private static TimeSpan Seconds(string option, string value, bool allowZero = false) =>
        double.TryParse(value, CultureInfo.InvariantCulture, out var seconds) && (seconds > 0 || (allowZero && seconds == 0))
            ? TimeSpan.FromSeconds(seconds)
            : throw new ArgumentException($"{option} wants a number of seconds, got '{value}'.");
}
