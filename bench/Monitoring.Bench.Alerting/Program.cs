using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Monitoring.Contracts;

// Alert latency: sample arrival (the POST leaving this process) -> firing webhook received by a loopback sink, for a
// `for: 0` rule, while a steady ingest load runs against the same API. See bench/README.md.
var options = BenchOptions.Parse(args);
var loadBefore = LoadAverage();
var json = MonitoringJsonContext.Default;
var received = new ConcurrentDictionary<string, TaskCompletionSource<long>>(StringComparer.Ordinal);

var sinkBuilder = WebApplication.CreateSlimBuilder();
sinkBuilder.WebHost.UseUrls($"http://127.0.0.1:{options.SinkPort}");
sinkBuilder.Logging.ClearProviders();
var sink = sinkBuilder.Build();
sink.MapPost("/hook", async (HttpContext context) =>
{
    var notification = await JsonSerializer.DeserializeAsync(context.Request.Body, json.WebhookNotification);
    var at = Stopwatch.GetTimestamp();
    if (notification is { Status: "firing", Repeat: false } && received.TryGetValue(notification.Alert.AgentId, out var trip))
    {
        trip.TrySetResult(at);
    }

    return Results.Ok();
});
await sink.StartAsync();

using var http = new HttpClient { BaseAddress = new Uri(options.Api), Timeout = TimeSpan.FromSeconds(30) };
var rule = new AlertRule
{
    Id = "bench_trip",
    Name = "bench trip",
    Metric = "cpu_percent",
    Comparator = ">",
    Threshold = 90,
    For = "0s",
    Scope = new AlertScope { Match = "trip-*" },
};
(await http.PostAsJsonAsync("/api/v1/alert-rules", rule, json.AlertRule)).EnsureSuccessStatusCode();
// Each silo picks the new rule up on its next refresh (Alerting:RuleRefreshInterval, 1 s by default).
await Task.Delay(TimeSpan.FromSeconds(3));

string TripAgent(int i) => $"trip-{i:D5}";
var sequence = 0L;
MetricsReport Sample(string agent, double cpu) => new()
{
    AgentId = agent,
    AgentName = agent,
    // Distinct timestamps per agent even within one clock tick.
    Timestamp = DateTimeOffset.UtcNow.AddTicks(Interlocked.Increment(ref sequence) % 10_000),
    IntervalSeconds = 60,
    System = new SystemMetrics { CpuPercent = cpu, Memory = new MemoryMetrics { Percent = 30 }, Disk = new DiskMetrics { Percent = 40 } },
    Network = [],
};

Console.WriteLine($"warming {options.Trips} trip agents (one quiet sample each activates its grain)");
for (var i = 0; i < options.Trips; i += 50)
{
    await Task.WhenAll(Enumerable.Range(i, Math.Min(50, options.Trips - i)).Select(async n =>
        (await http.PostAsJsonAsync("/api/v1/metrics", Sample(TripAgent(n), 10), json.MetricsReport)).EnsureSuccessStatusCode()));
}

using var stopLoad = new CancellationTokenSource();
var loadSent = 0L;
var loadFailed = 0L;
var loadClock = Stopwatch.StartNew();
var load = Enumerable.Range(0, options.LoadConnections).Select(worker => Task.Run(async () =>
{
    var interval = TimeSpan.FromSeconds(options.LoadConnections / (double)options.LoadRate);
    var next = Stopwatch.GetTimestamp();
    var n = worker;
    while (!stopLoad.IsCancellationRequested)
    {
        try
        {
            var response = await http.PostAsJsonAsync("/api/v1/metrics", Sample($"load-{n % options.LoadAgents:D5}", 12.5), json.MetricsReport);
            Interlocked.Increment(ref response.IsSuccessStatusCode ? ref loadSent : ref loadFailed);
        }
        catch (HttpRequestException)
        {
            Interlocked.Increment(ref loadFailed);
        }

        n += options.LoadConnections;
        next += (long)(interval.TotalSeconds * Stopwatch.Frequency);
        var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), next);
        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait);
        }
    }
})).ToArray();
await Task.Delay(TimeSpan.FromSeconds(options.WarmupSeconds));

Console.WriteLine($"running {options.Trips} trips under ingest load of {options.LoadRate}/s");
var latencies = new List<double>(options.Trips);
var lost = 0;
for (var i = 0; i < options.Trips; i++)
{
    var agent = TripAgent(i);
    var trip = received[agent] = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
    var started = Stopwatch.GetTimestamp();
    (await http.PostAsJsonAsync("/api/v1/metrics", Sample(agent, 95), json.MetricsReport)).EnsureSuccessStatusCode();
    if (await Task.WhenAny(trip.Task, Task.Delay(TimeSpan.FromSeconds(10))) == trip.Task)
    {
        latencies.Add(Stopwatch.GetElapsedTime(started, trip.Task.Result).TotalMilliseconds);
    }
    else
    {
        lost++;
    }
}

await stopLoad.CancelAsync();
await Task.WhenAll(load);
var loadRate = loadSent / loadClock.Elapsed.TotalSeconds;
await sink.StopAsync();

latencies.Sort();
double Percentile(double p) => latencies.Count == 0 ? double.NaN : latencies[Math.Min(latencies.Count - 1, (int)Math.Ceiling(p / 100 * latencies.Count) - 1)];
var report = string.Create(CultureInfo.InvariantCulture, $"""
    alert latency benchmark  {DateTime.UtcNow:yyyy-MM-dd HH:mm:ss}Z  {Environment.ProcessorCount} cores  .NET {Environment.Version}
      trips {options.Trips} (sample POST sent -> firing webhook received), rule for: 0, ingest load target {options.LoadRate}/s over {options.LoadConnections} connections and {options.LoadAgents} agents
      ingest load achieved {loadRate:0} samples/s ({loadSent} accepted, {loadFailed} failed)
      delivered {latencies.Count}, lost (no webhook within 10 s) {lost}
      load average (1 min) before {loadBefore}, after {LoadAverage()}: other work on this machine moves the tail
      latency ms: p50 {Percentile(50):0.0}  p90 {Percentile(90):0.0}  p99 {Percentile(99):0.0}  max {Percentile(100):0.0}
    """);
Console.WriteLine(report);
if (options.Output is { } output)
{
    await File.WriteAllTextAsync(output, report + Environment.NewLine);
}

return lost == 0 ? 0 : 1;

static string LoadAverage() => File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "n/a";

internal sealed record BenchOptions(string Api, int SinkPort, int Trips, int LoadRate, int LoadConnections, int LoadAgents, int WarmupSeconds, string? Output)
{
    public static BenchOptions Parse(string[] args)
    {
        string Value(string name, string fallback)
        {
            var index = Array.IndexOf(args, name);
            return index >= 0 && index + 1 < args.Length ? args[index + 1] : fallback;
        }

        int Number(string name, int fallback) => int.Parse(Value(name, fallback.ToString(CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture);

        return new BenchOptions(
            Value("--api", "http://127.0.0.1:5080"),
            Number("--sink-port", 5099),
            Number("--trips", 1000),
            Number("--load-rate", 1000),
            Number("--load-connections", 8),
            Number("--load-agents", 1000),
            Number("--warmup", 5),
            args.Contains("--out") ? Value("--out", "") : null);
    }
}
