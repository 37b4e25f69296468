// Fleet page benchmark: fills a running API with N agents (an hour of history each), then opens the fleet page in
// Debian's Chromium several times and reports how long the page takes to show every row. See bench/README.md.
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using Microsoft.Playwright;
using Monitoring.Contracts;

var options = BenchOptions.Parse(args);
using var http = new HttpClient { BaseAddress = options.Api, Timeout = TimeSpan.FromMinutes(2) };

var now = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds());
var ingest = Stopwatch.StartNew();
// History first, newest last, so each agent's latest sample is the one at `now`.
for (var minute = options.HistoryMinutes - 1; minute >= 0; minute--)
{
    for (var first = 0; first < options.Agents; first += 1000)
    {
        var batch = Enumerable.Range(first, Math.Min(1000, options.Agents - first))
            .Select(i => Sample(i, now.AddMinutes(-minute))).ToArray();
        using var response = await http.PostAsJsonAsync("/api/v1/metrics/batch", batch, MonitoringJsonContext.Default.MetricsReportArray);
        response.EnsureSuccessStatusCode();
    }
}

Console.WriteLine($"ingested {options.Agents} agents x {options.HistoryMinutes} samples in {ingest.Elapsed.TotalSeconds:F1} s");

var listTimes = new List<double>();
for (var i = 0; i < 10; i++)
{
    var watch = Stopwatch.StartNew();
    using var list = await http.GetAsync(new Uri("/api/v1/agents", UriKind.Relative), HttpCompletionOption.ResponseContentRead);
    list.EnsureSuccessStatusCode();
    listTimes.Add(watch.Elapsed.TotalMilliseconds);
}

Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"GET /api/v1/agents ({options.Agents} agents), 10 calls: median {Median(listTimes):F0} ms, max {listTimes.Max():F0} ms"));

using var playwright = await Playwright.CreateAsync();
await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
{
    ExecutablePath = "/usr/bin/chromium",
    Headless = true,
    Args = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
});

var rendered = new List<double>();
var painted = new List<double>();
for (var run = 0; run <= options.Runs; run++)
{
    await using var context = await browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1400, Height = 1000 } });
    var page = await context.NewPageAsync();
    await page.GotoAsync(new Uri(options.Api, "/").ToString());
    await page.WaitForFunctionAsync("() => performance.getEntriesByName('fleet-painted').length > 0", null, new PageWaitForFunctionOptions { Timeout = 60_000 });
    var rows = await page.Locator("#agent-rows > .row").CountAsync();
    if (rows < options.Agents)
    {
        throw new InvalidOperationException($"the fleet page shows {rows} rows, expected at least {options.Agents}");
    }

    var marks = await page.EvaluateAsync<double[]>(
        "() => [...['fleet-rendered', 'fleet-painted'].map(n => performance.getEntriesByName(n)[0].startTime), "
        + "performance.getEntriesByType('navigation')[0].domContentLoadedEventEnd, "
        + "performance.getEntriesByType('resource').find(r => r.name.endsWith('/api/v1/agents')).responseEnd, "
        + "performance.getEntriesByType('resource').filter(r => r.name.endsWith('/api/v1/agents')).length]");
    if (marks[4] != 1)
    {
        throw new InvalidOperationException($"the agent list was fetched {marks[4]} times: the preload was not used");
    }

    if (options.Screenshot is { } path && run == options.Runs)
    {
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path });
    }

    // The first visit warms the API's JIT and the browser's caches; it is reported but not counted.
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{(run == 0 ? "warm-up" : $"run {run}")}: scripts ready at {marks[2]:F0} ms, agent list received at {marks[3]:F0} ms, {rows} rows in the DOM at {marks[0]:F0} ms, painted at {marks[1]:F0} ms after navigation start"));
    if (run > 0)
    {
        rendered.Add(marks[0]);
        painted.Add(marks[1]);
    }
}

Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"fleet page, {options.Agents} agents, {options.Runs} runs: rows in DOM median {Median(rendered):F0} ms (max {rendered.Max():F0}), painted median {Median(painted):F0} ms (max {painted.Max():F0})"));
return 0;

static double Median(List<double> values)
{
    var sorted = values.Order().ToArray();
    return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
}

static MetricsReport Sample(int agent, DateTimeOffset at)
{
    var id = string.Create(CultureInfo.InvariantCulture, $"bench-{agent:D5}");
    var wave = Math.Sin((at.ToUnixTimeSeconds() / 600.0) + agent);
    return new MetricsReport
    {
        AgentId = id,
        AgentName = $"bench host {agent}",
        Timestamp = at,
        IntervalSeconds = 60,
        System = new SystemMetrics
        {
            CpuPercent = Math.Round(50 + (40 * wave), 1),
            Memory = new MemoryMetrics { Percent = 20 + (agent % 70) },
            Disk = new DiskMetrics { Percent = 10 + (agent % 85) },
        },
        Network = [],
    };
}

internal sealed record BenchOptions(Uri Api, int Agents, int HistoryMinutes, int Runs, string? Screenshot)
{
    public static BenchOptions Parse(string[] args)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            values[args[i].TrimStart('-')] = args[i + 1];
        }

        int Number(string name, int fallback) => values.TryGetValue(name, out var v) ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;
        return new BenchOptions(
            new Uri(values.TryGetValue("api", out var api) ? api : throw new ArgumentException("--api URL is required")),
            Number("agents", 1000),
            Number("history-minutes", 60),
            Number("runs", 5),
            values.GetValueOrDefault("screenshot"));
    }
}
