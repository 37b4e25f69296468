// History benchmark: loads weeks of full agent samples into a running API, then times history queries over HTTP and
// reports the silo's memory. bench/history.sh adds the database's size on disk. See bench/README.md.
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Monitoring.Bench.History;
using Monitoring.Contracts;

HistoryOptions options;
try
{
    options = HistoryOptions.Parse(args);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine(e.Message);
    Console.Error.WriteLine(HistoryOptions.Usage);
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

using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = options.Parallel })
{
    BaseAddress = options.Api,
    Timeout = TimeSpan.FromMinutes(5),
};

// Whole seconds: the last sample of each host is its phase before this.
var end = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds());
var total = (long)options.Agents * options.SamplesPerAgent;
Line(string.Create(CultureInfo.InvariantCulture,
    $"load: {options.Agents} agents x {options.Days} days at {options.IntervalSeconds} s = {options.SamplesPerAgent} samples each, {total} in all, the newest just before {end:yyyy-MM-ddTHH:mm:ssZ}; {options.Parallel} agents at a time; seed {options.Seed}"));

Line(options.Recorded is { } recorded
    ? string.Create(CultureInfo.InvariantCulture, $"  bodies: {recorded.Count} recorded from the real agent ({recorded[0].Timestamp:HH:mm:ss}-{recorded[^1].Timestamp:HH:mm:ss}), replayed in turn, each agent from its own start")
    : "  bodies: simulated hosts (SimulatedHost)");
var load = await Backfill.RunAsync(http, options, end, cancel.Token);
Line(string.Create(CultureInfo.InvariantCulture,
    $"  samples: {load.SeriesPerSample:0.0} numeric series each (MetricSeries.Flatten), {(double)load.JsonBytes / Math.Max(1, load.Sent):0} B of JSON each in batches of {(double)load.Sent / Math.Max(1, load.Batches):0}"));
Line(string.Create(CultureInfo.InvariantCulture,
    $"  {load.Sent} samples sent in {load.Batches} batches in {load.Elapsed.TotalSeconds:0.0} s: {load.Acknowledged / load.Elapsed.TotalSeconds:0} samples/s acknowledged; batch latency ms {load.BatchMilliseconds.Summary("0")}"));
Line(load.FailedByStatus.Count == 0
    ? "  failed batches: none"
    : $"  failed batches: {string.Join(", ", load.FailedByStatus.OrderBy(p => p.Key).Select(p => $"{p.Key} x{p.Value}"))}; first: {load.FirstFailure}");
Line($"samples acknowledged: {load.Acknowledged}");

Line($"storage: {await StorageWait.WaitAsync(http, options.StorageTimeout, cancel.Token)}");
Line($"resident memory after the load: {ResidentMemory.Of(options.Processes)}");

var agents = Enumerable.Range(0, options.Agents).Select(SimulatedHost.AgentId).ToArray();
var timer = new QueryTimer(http, agents, new Random(options.Seed));
var range = $"from=<now-{options.Days}d>&to=<now>";
const string Selected = "cpu_percent,memory.percent,disk.percent";
string History(string agent)
{
    var now = DateTimeOffset.UtcNow;
    return $"api/v1/metrics/{agent}/history?from={Iso(now - options.Span)}&to={Iso(now)}&max_points=500";
}

Line("");
Line($"queries: {options.Queries} timed requests of each kind, one after another, each for a random one of the {options.Agents} agents, after {options.Warmup} untimed; load average {LoadAverage()}");
var exitCode = load.FailedByStatus.Count == 0 && load.Acknowledged == load.Sent ? 0 : 1;

var bucketed = await timer.GetAsync(History(timer.RandomAgent()), cancel.Token);
if (!await TimeAsync($"(a) GET /api/v1/metrics/{{id}}/history?{range}&max_points=500", History, bucketed, DescribeBuckets))
{
    exitCode = 1;
}

string Seed(string agent) => string.Create(CultureInfo.InvariantCulture, $"api/v1/metrics/{agent}?hours={options.Days * 24}");
var seed = await timer.GetAsync(Seed(timer.RandomAgent()), cancel.Token);
if (!await TimeAsync($"(b) GET /api/v1/metrics/{{id}}?hours={options.Days * 24}", Seed, seed,
    body => $"{JsonSerializer.Deserialize(body, MonitoringJsonContext.Default.SeedHistoryResponse)?.Metrics.Count} points"))
{
    exitCode = 1;
}

string SelectedHistory(string agent) => History(agent) + "&series=" + Selected;
var selected = await timer.GetAsync(SelectedHistory(timer.RandomAgent()), cancel.Token);
var selectedName = $"(c) GET /api/v1/metrics/{{id}}/history?{range}&max_points=500&series={Selected}";
var unrequested = selected.Status == HttpStatusCode.OK ? SeriesNames(selected.Body).Except(Selected.Split(',')).Count() : 0;
if (selected.Status == HttpStatusCode.BadRequest)
{
    Line($"{selectedName}: not supported (400: {Encoding.UTF8.GetString(selected.Body)[..Math.Min(selected.Body.Length, 160)]})");
}
else if (unrequested > 0)
{
    Line($"{selectedName}: not supported (answered 200 with {unrequested} series not asked for: the parameter is ignored)");
}
else if (!await TimeAsync(selectedName, SelectedHistory, selected, DescribeBuckets))
{
    exitCode = 1;
}

Line($"resident memory after the queries: {ResidentMemory.Of(options.Processes)}; load average {LoadAverage()}");

if (options.Output is { } output)
{
    await File.WriteAllTextAsync(output, report.ToString());
}

return exitCode;

// The first answer of each kind is checked and described, then the kind is timed; false when any answer was not 200.
async Task<bool> TimeAsync(string name, Func<string, string> path, Answer first, Func<byte[], string> describe)
{
    if (first.Status != HttpStatusCode.OK)
    {
        Line($"{name}: FAILED, answered {(int)first.Status}: {Encoding.UTF8.GetString(first.Body)[..Math.Min(first.Body.Length, 300)]}");
        return false;
    }

    var result = await timer.TimeAsync(path, options.Warmup, options.Queries, cancel.Token);
    Line($"{name}  [{describe(first.Body)}; load average after {LoadAverage()}]");
    Line($"    latency ms    {result.Milliseconds.Summary("0.0")}");
    Line($"    answer bytes  {result.Bytes.Summary("0")}");
    if (result.FailedByStatus.Count > 0)
    {
        Line($"    FAILED: {string.Join(", ", result.FailedByStatus.Select(p => $"{p.Key} x{p.Value}"))}");
        return false;
    }

    return true;
}

// Two cores are easily shared: the 1, 5 and 15 minute load averages say whether something else ran beside the bench.
static string LoadAverage() => string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));

static string Iso(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

static HistoryResponse? Buckets(byte[] body) => JsonSerializer.Deserialize(body, MonitoringJsonContext.Default.HistoryResponse);

static IEnumerable<string> SeriesNames(byte[] body) =>
    Buckets(body)?.Buckets?.SelectMany(b => b.Series?.Keys ?? Enumerable.Empty<string>()).Distinct() ?? [];

// Headline values are fields of each bucket; every other series is a key of its "series".
static string DescribeBuckets(byte[] body) => string.Create(CultureInfo.InvariantCulture,
    $"{Buckets(body)?.Buckets?.Count ?? 0} buckets x {3 + SeriesNames(body).Count()} series");
