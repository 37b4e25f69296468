// Soak benchmark: a fleet of simulated agents (or replayed real-agent bodies) sends full samples at a fixed rate for a long time, while the silo
// compacts, rolls up and applies retention; memory must stay flat and every 2xx must be stored once. See bench/README.md.
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Monitoring.Bench.History;
using Monitoring.Bench.Soak;
using Monitoring.Contracts;

SoakOptions options;
try
{
    options = SoakOptions.Parse(args);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine(e.Message);
    Console.Error.WriteLine(SoakOptions.Usage);
    return 2;
}

var report = new StringBuilder();
void Line(string text)
{
    Console.WriteLine(text);
    report.AppendLine(text);
}

using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancel.Cancel();
};

using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = options.InFlight })
{
    BaseAddress = options.Api,
    Timeout = TimeSpan.FromSeconds(30),
};
var json = new MediaTypeHeaderValue("application/json");

var start = DateTimeOffset.UtcNow.AddSeconds(1);
var measured = start.AddMinutes(options.WarmupMinutes);
var end = measured.AddMinutes(options.Minutes);
var hosts = Enumerable.Range(0, options.Agents)
    .Select(ISampleSource (i) => options.Recorded is { } recorded
        ? new RecordedHost(i, options.IntervalSeconds, recorded, options.Seed)
        : new SimulatedHost(i, options.IntervalSeconds, start, options.Seed))
    .ToArray();
var order = Enumerable.Range(0, hosts.Length).OrderBy(i => hosts[i].Phase).ToArray();
var minutes = new Minute[options.WarmupMinutes + options.Minutes + 1];
for (var m = 0; m < minutes.Length; m++)
{
    minutes[m] = new Minute();
}

var acknowledged = new long[hosts.Length];
var doubtful = new long[hosts.Length];
var failures = new ConcurrentDictionary<string, int>();
var memory = new List<(TimeSpan At, double?[] Mib)>();
double?[] Memory() => [.. options.Processes.Select(p => ResidentMemory.Mebibytes(p.Pid))];
var before = Memory();

Line(string.Create(CultureInfo.InvariantCulture,
    $"soak: {options.Agents} agents, one sample each every {options.IntervalSeconds} s ({(double)options.Agents / options.IntervalSeconds:0} samples/s), {options.WarmupMinutes} min warm-up + {options.Minutes} min measured, at most {options.InFlight} in flight; seed {options.Seed}"));
Line(options.Recorded is { } bodies
    ? string.Create(CultureInfo.InvariantCulture, $"bodies: {bodies.Count} recorded from the real agent ({bodies[0].Timestamp:HH:mm:ss}-{bodies[^1].Timestamp:HH:mm:ss}), replayed in turn, each agent from its own start")
    : "bodies: simulated hosts (SimulatedHost)");
Line($"resident memory before the first sample: {ResidentMemory.Of(options.Processes)}; load average {LoadAverage()}");

using var gate = new SemaphoreSlim(options.InFlight);
long late = 0;
var clock = Stopwatch.StartNew();
var sampler = SampleMemoryAsync();

// Open loop: each agent's k-th sample is due at start + phase + k * interval and carries that time as its timestamp.
for (var k = 0L; !cancel.IsCancellationRequested; k++)
{
    var roundStart = start + TimeSpan.FromSeconds(k * options.IntervalSeconds);
    if (roundStart >= end)
    {
        break;
    }

    foreach (var index in order)
    {
        var due = roundStart + hosts[index].Phase;
        if (due >= end)
        {
            continue;
        }

        var wait = due - DateTimeOffset.UtcNow;
        if (wait > TimeSpan.FromMilliseconds(2))
        {
            await Task.Delay(wait, cancel.Token);
        }

        if (!gate.Wait(0))
        {
            Interlocked.Increment(ref late);
            await gate.WaitAsync(cancel.Token);
        }

        var body = JsonSerializer.SerializeToUtf8Bytes(hosts[index].Next(due), MonitoringJsonContext.Default.MetricsReport);
        _ = SendAsync(index, due, body);
    }
}

// Drain: every request in flight is answered (or times out) before anything is counted.
for (var i = 0; i < options.InFlight; i++)
{
    await gate.WaitAsync(CancellationToken.None);
}

await cancel.CancelAsync();
await sampler;

Line("");
Line("minute  phase     sent      2xx  failed   p50 ms   p99 ms   max ms   resident MiB");
for (var m = 0; m < minutes.Length; m++)
{
    var minute = minutes[m];
    if (minute.Sent == 0)
    {
        continue;
    }

    var latency = Percentiles.Of(minute.Milliseconds);
    var rss = memory.LastOrDefault(s => s.At <= TimeSpan.FromMinutes(m + 1)).Mib ?? [];
    Line(string.Create(CultureInfo.InvariantCulture,
        $"{m,6}  {(m < options.WarmupMinutes ? "warm-up" : "measured"),-8} {minute.Sent,6} {minute.Ok,8} {minute.Failed,7} {latency.At(50),8:0.00} {latency.At(99),8:0.00} {latency.At(100),8:0.0}   {string.Join(", ", options.Processes.Select((p, i) => $"{p.Name} {(i < rss.Length && rss[i] is { } v ? v.ToString("0", CultureInfo.InvariantCulture) : "n/a")}"))}"));
}

var sent = minutes.Sum(m => m.Sent);
var ok = acknowledged.Sum();
var failed = minutes.Sum(m => m.Failed);
var window = Percentiles.Of(minutes.Skip(options.WarmupMinutes).SelectMany(m => m.Milliseconds));
Line("");
Line(string.Create(CultureInfo.InvariantCulture,
    $"sent {sent}, 2xx {ok}, failed {failed}{(failures.IsEmpty ? "" : " [" + string.Join(", ", failures.Select(p => $"{p.Key} x{p.Value}")) + "]")}; sends delayed by a full in-flight window: {late}"));
Line(string.Create(CultureInfo.InvariantCulture,
    $"measured window: {(double)minutes.Skip(options.WarmupMinutes).Sum(m => m.Ok) / (options.Minutes * 60):0} samples/s acknowledged; ingest latency ms {window.Summary("0.00")}"));

var exitCode = failed == 0 ? 0 : 1;
exitCode = Math.Max(exitCode, JudgeMemory());
exitCode = Math.Max(exitCode, await CheckStoredAsync());
Line($"storage: {await StorageAsync()}");
Line($"verdict: {(exitCode == 0 ? "OK" : "FAILED")}");

if (options.Output is { } output)
{
    await File.WriteAllTextAsync(output, report.ToString());
}

return exitCode;

async Task SendAsync(int index, DateTimeOffset due, byte[] body)
{
    var minute = minutes[Math.Clamp((int)((due - start).TotalMinutes), 0, minutes.Length - 1)];
    Interlocked.Increment(ref minute.Sent);
    var watch = Stopwatch.StartNew();
    try
    {
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = json;
        using var response = await http.PostAsync(new Uri("api/v1/metrics", UriKind.Relative), content, CancellationToken.None);
        if (response.IsSuccessStatusCode)
        {
            minute.Milliseconds.Add(watch.Elapsed.TotalMilliseconds);
            Interlocked.Increment(ref minute.Ok);
            Interlocked.Increment(ref acknowledged[index]);
        }
        else
        {
            Fail($"{(int)response.StatusCode}", minute, (int)response.StatusCode >= 500 ? index : null);
        }
    }
    catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
    {
        Fail(e.GetType().Name, minute, index);
    }
    finally
    {
        gate.Release();
    }
}

// A failure whose outcome is unknown (a 5xx, a timeout, a broken connection) may have been stored: it is "doubtful".
void Fail(string reason, Minute minute, int? doubtfulAgent)
{
    Interlocked.Increment(ref minute.Failed);
    failures.AddOrUpdate(reason, 1, (_, n) => n + 1);
    if (doubtfulAgent is { } agent)
    {
        Interlocked.Increment(ref doubtful[agent]);
    }
}

async Task SampleMemoryAsync()
{
    using var timer = new PeriodicTimer(TimeSpan.FromSeconds(10));
    try
    {
        while (await timer.WaitForNextTickAsync(cancel.Token))
        {
            var now = Memory();
            lock (memory)
            {
                memory.Add((clock.Elapsed, now));
            }

            var m = (int)clock.Elapsed.TotalMinutes;
            if (clock.Elapsed.TotalSeconds % 60 < 10)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  {clock.Elapsed.TotalMinutes:0.0} min: sent {minutes.Sum(x => x.Sent)}, 2xx {minutes.Sum(x => x.Ok)}, failed {minutes.Sum(x => x.Failed)}; {ResidentMemory.Of(options.Processes)}; load average {LoadAverage()}"));
            }
        }
    }
    catch (OperationCanceledException)
    {
    }
}

// Flat: each process's resident memory in the last 5 minutes of the window is within 10 % of its first 5 minutes.
int JudgeMemory()
{
    var result = 0;
    var warm = TimeSpan.FromMinutes(options.WarmupMinutes);
    var span = TimeSpan.FromMinutes(Math.Min(5, Math.Max(1, options.Minutes / 3)));
    for (var p = 0; p < options.Processes.Count; p++)
    {
        double? Average(TimeSpan from, TimeSpan to)
        {
            var values = memory.Where(s => s.At >= from && s.At < to && s.Mib[p] is not null).Select(s => s.Mib[p]!.Value).ToList();
            return values.Count == 0 ? null : values.Average();
        }

        var window = memory.Where(s => s.At >= warm && s.Mib[p] is not null).Select(s => s.Mib[p]!.Value).ToList();
        var first = Average(warm, warm + span);
        var last = Average(warm + TimeSpan.FromMinutes(options.Minutes) - span, TimeSpan.MaxValue);
        if (first is null || last is null || window.Count == 0)
        {
            Line($"memory {options.Processes[p].Name}: not sampled");
            continue;
        }

        var growth = (last.Value - first.Value) / first.Value;
        var flat = Math.Abs(growth) <= 0.10;
        result = flat ? result : 1;
        var perAgent = before[p] is { } idle ? string.Create(CultureInfo.InvariantCulture, $"; {(first.Value - idle) * 1024 / options.Agents:0.0} KiB per active agent above the {idle:0} MiB before the load") : "";
        Line(string.Create(CultureInfo.InvariantCulture,
            $"memory {options.Processes[p].Name}: first {span.TotalMinutes:0} min of the window {first:0} MiB, last {span.TotalMinutes:0} min {last:0} MiB ({growth:+0.0%;-0.0%}), min {window.Min():0}, max {window.Max():0}{perAgent}: {(flat ? "flat" : "NOT flat")} (limit ±10 %)"));
    }

    return result;
}

static DateTimeOffset HourFloor(DateTimeOffset time) => new(time.UtcDateTime.Date.AddHours(time.UtcDateTime.Hour), TimeSpan.Zero);

// Every agent's samples, counted through the history API in 1-hour buckets: head, blocks and rollup tiers stitched.
async Task<int> CheckStoredAsync()
{
    // On the hour grid, so that whole hours are read from the 1-hour tier once retention has taken their raw samples.
    var from = Iso(HourFloor(start).AddHours(-1));
    var to = Iso(HourFloor(end).AddHours(2));
    var stored = new long[hosts.Length];
    var unreadable = 0;
    await Parallel.ForEachAsync(Enumerable.Range(0, hosts.Length), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (index, ct) =>
    {
        var path = $"api/v1/metrics/{SimulatedHost.AgentId(index)}/history?from={from}&to={to}&step=1h";
        using var response = await http.GetAsync(new Uri(path, UriKind.Relative), ct);
        var answer = response.IsSuccessStatusCode
            ? JsonSerializer.Deserialize(await response.Content.ReadAsByteArrayAsync(ct), MonitoringJsonContext.Default.HistoryResponse)
            : null;
        if (answer?.Buckets is { } buckets && !answer.Truncated)
        {
            stored[index] = buckets.Sum(b => (long)b.Count);
        }
        else
        {
            Interlocked.Increment(ref unreadable);
        }
    });

    var missing = Enumerable.Range(0, hosts.Length).Count(i => stored[i] < acknowledged[i]);
    var extra = Enumerable.Range(0, hosts.Length).Count(i => stored[i] > acknowledged[i] + doubtful[i]);
    var good = unreadable == 0 && missing == 0 && extra == 0;
    Line(string.Create(CultureInfo.InvariantCulture,
        $"stored check: {stored.Sum()} samples in history (1-hour buckets over every tier) for {acknowledged.Sum()} 2xx and {doubtful.Sum()} doubtful; agents with samples missing {missing}, with duplicates {extra}, unreadable {unreadable}: {(good ? "OK - every 2xx stored exactly once" : "FAILED")}"));
    return good ? 0 : 1;
}

async Task<string> StorageAsync()
{
    using var response = await http.GetAsync(new Uri("api/v1/storage", UriKind.Relative));
    return $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}";
}

static string Iso(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

static string LoadAverage() => string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));

/// <summary>What happened to the samples due in one minute of the run.</summary>
internal sealed class Minute
{
    public long Sent;
    public long Ok;
    public long Failed;

    public ConcurrentBag<double> Milliseconds { get; } = [];
}
