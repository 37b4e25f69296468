using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Monitoring.Contracts;
using Monitoring.Tests;
using Monitoring.Tests.Http;
using static Microsoft.Playwright.Assertions;

namespace Monitoring.Browser.Tests;

[Collection(DashboardCollection.Name)]
public sealed partial class DashboardTests(DashboardFixture fixture)
{
    /// <summary>A live sample must show within 2 s of being acknowledged.</summary>
    private static readonly LocatorAssertionsToHaveTextOptions WithinTwoSeconds = new() { Timeout = 2000 };

    private static readonly LocatorAssertionsToHaveAttributeOptions Soon = new() { Timeout = 15_000 };

    /// <summary>How many values a chart draws, once it has drawn any.</summary>
    private static async Task<int> PointsAsync(ILocator chart)
    {
        await Expect(chart).ToHaveAttributeAsync("data-points", new System.Text.RegularExpressions.Regex("^[1-9][0-9]*$"), Soon);
        return int.Parse((await chart.GetAttributeAsync("data-points"))!, CultureInfo.InvariantCulture);
    }

    [Fact]
    public async Task Fleet_page_lists_the_clusters_agents_and_filters_them()
    {
        var prefix = Samples.NewAgentId("fleet");
        string[] ids = [$"{prefix}-a", $"{prefix}-b"];
        using var http = fixture.Cluster.CreateClient();
        foreach (var (id, cpu) in ids.Zip([21.5, 64.0]))
        {
            Assert.Equal(HttpStatusCode.OK, (await http.PostSampleAsync(Samples.Sample(id, Samples.RecentTime(30), cpu: cpu, name: $"name of {id}"))).StatusCode);
        }

        await using var browser = await fixture.OpenAsync();
        var page = browser.Page;
        await page.GotoAsync("./");

        foreach (var (id, cpu) in ids.Zip(["21.5 %", "64.0 %"]))
        {
            var row = page.Locator($"[data-agent-id='{id}']");
            await Expect(row.Locator(".name a")).ToHaveTextAsync($"name of {id}");
            await Expect(row.Locator(".name a")).ToHaveAttributeAsync("href", $"agent.html?id={id}");
            await Expect(row.Locator(".status")).ToHaveTextAsync("up");
            await Expect(row.Locator(".bar-label").First).ToHaveTextAsync(cpu);
        }

        await Expect(page.Locator(".total[data-kind='total'] .total-count")).Not.ToHaveTextAsync("0");
        await page.Locator("#filter").FillAsync(prefix);
        await Expect(page.Locator("#agent-rows > .row")).ToHaveCountAsync(2);
        var cpuHeader = page.Locator("[role=columnheader][data-sort='cpu_percent']");
        await cpuHeader.ClickAsync();
        await Expect(page.Locator("#agent-rows > .row").First).ToHaveAttributeAsync("data-agent-id", ids[0]);
        await cpuHeader.ClickAsync();
        await Expect(cpuHeader).ToHaveAttributeAsync("aria-sort", "descending");
        await Expect(page.Locator("#agent-rows > .row").First).ToHaveAttributeAsync("data-agent-id", ids[1]);
        await page.Locator("#filter").FillAsync(ids[1]);
        await Expect(page.Locator("#agent-rows > .row")).ToHaveCountAsync(1);
        await Expect(page.Locator($"[data-agent-id='{ids[1]}']")).ToBeVisibleAsync();
        await browser.ScreenshotAsync("fleet");
        Assert.Empty(browser.Errors);
    }

    [Fact]
    public async Task Fleet_page_follows_the_agent_lists_cursor_and_shows_every_agent_beyond_the_first_page()
    {
        var prefix = Samples.NewAgentId("many");
        var samples = Enumerable.Range(0, 5).Select(i => Samples.Sample($"{prefix}-{i:D4}", Samples.RecentTime(30))).ToArray();
        using var http = fixture.Cluster.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await http.PostBatchAsync(samples)).StatusCode);

        await using var browser = await fixture.OpenAsync();
        var page = browser.Page;
        // Pages of two agents instead of a thousand, so the shared cluster need not hold a thousand more: the page's
        // requests for the list go on to the real API with limit=2, and it must follow next_cursor through all of them.
        var lists = 0;
        await page.RouteAsync(AgentList(), async route =>
        {
            Interlocked.Increment(ref lists);
            var url = route.Request.Url;
            await route.ContinueAsync(new RouteContinueOptions { Url = url + (url.Contains('?', StringComparison.Ordinal) ? "&" : "?") + "limit=2" });
        });
        await page.GotoAsync("./");
        await page.Locator("#filter").FillAsync(prefix);

        await Expect(page.Locator("#agent-rows > .row")).ToHaveCountAsync(5, new() { Timeout = 15_000 });
        await Expect(page.Locator($"[data-agent-id='{prefix}-0004']")).ToBeVisibleAsync();
        Assert.True(lists >= 3, $"the list was asked for {lists} times");
        Assert.Empty(browser.Errors);
    }

    [GeneratedRegex(@"/api/v1/agents(\?.*)?$")]
    private static partial Regex AgentList();

    [Fact]
    public async Task Fleet_page_without_agents_tells_how_to_start_one()
    {
        await using var browser = await fixture.OpenAsync();
        var page = browser.Page;
        // The shared cluster always has agents: this one answer of the real API is replaced by an empty fleet.
        await page.RouteAsync("**/api/v1/agents", route => route.FulfillAsync(new RouteFulfillOptions
        {
            ContentType = "application/json",
            Body = """{"agents":[]}""",
        }));
        await page.GotoAsync("./");

        await Expect(page.Locator("#empty")).ToBeVisibleAsync();
        await Expect(page.Locator("#fleet")).ToBeHiddenAsync();
        await Expect(page.Locator("#empty-command")).ToHaveTextAsync(
            $"SERVER_URL={fixture.BaseAddress.GetLeftPart(UriPartial.Authority)} AGENT_ID=web-01 dotnet run --project Monitoring.Agent");
        await browser.ScreenshotAsync("fleet-empty");
        Assert.Empty(browser.Errors);
    }

    [Fact]
    public async Task Agent_page_draws_charts_with_data_points()
    {
        var id = Samples.NewAgentId("charts");
        var start = Samples.RecentTime(600);
        using var http = fixture.Cluster.CreateClient();
        var samples = Enumerable.Range(0, 8).Select(i => Samples.Detailed(id, start.AddSeconds(i * 60)) with
        {
            System = Samples.Detailed(id, start).System! with { CpuPercent = 10 + (i * 7) },
        }).ToArray();
        Assert.Equal(HttpStatusCode.OK, (await http.PostBatchAsync(samples)).StatusCode);

        await using var browser = await fixture.OpenAsync();
        var page = browser.Page;
        await page.GotoAsync($"agent.html?id={id}&range=3600");

        await Expect(page.Locator("#agent-name")).ToHaveTextAsync($"host {id}");
        // Each chart, the series it must draw from history (legend labels), and so its points: one per sample per series.
        (string Chart, string[] Series)[] expected =
        [
            ("cpu", ["total", "total (bucket max)", "core 0", "core 1"]),
            ("memory", ["used"]),
            ("swap", ["used"]),
            ("disk", ["/", "/home"]),
            ("network", ["eth0 in", "eth0 out"]),
            ("latency", ["db.internal:5432", "https://example.org/health"]),
            ("reachability", ["db.internal:5432", "https://example.org/health"]),
            ("load", ["1 min", "5 min", "15 min"]),
            ("temperature", ["acpitz/temp1", "coretemp/Package id 0"]),
            ("fans", ["nct6798/fan2"]),
            ("frequency", ["mean"]),
        ];
        foreach (var (chart, series) in expected)
        {
            var target = page.Locator($"[data-chart='{chart}']");
            Assert.Equal(samples.Length * series.Length, await PointsAsync(target));
            await Expect(target.Locator("canvas")).ToHaveCountAsync(1);
            await Expect(target.Locator(".u-legend .u-series:not(:first-child) .u-label")).ToHaveTextAsync(series);
        }

        await Expect(page.Locator("#info")).ToContainTextAsync("1.2.3");
        await Expect(page.Locator("#info")).ToContainTextAsync("Spool refuses writes2 samples kept in memory: No space left on device");
        await Expect(page.Locator("#checks")).ToContainTextAsync("db.internal:5432");
        await page.Locator("[data-range='604800']").ClickAsync();
        // Seven days in at most 600 points: 1008 s a bucket, widened to the 5-minute tier's grid (1200 s), so the
        // 7 minutes of samples fall into one or two.
        await Expect(page.Locator("#range-info")).ToContainTextAsync("one per 20 min 0 s");
        Assert.InRange(await PointsAsync(page.Locator("[data-chart='memory']")), 1, 2);
        await browser.ScreenshotAsync("agent");
        Assert.Empty(browser.Errors);
    }

    [Fact]
    public async Task Agent_page_draws_each_mounts_trend_and_says_when_a_rising_one_is_full()
    {
        var id = Samples.NewAgentId("trend");
        var start = Samples.RecentTime(7200);
        using var http = fixture.Cluster.CreateClient();
        var samples = Enumerable.Range(0, 13).Select(i => Samples.Detailed(id, start.AddMinutes(i * 10)) with
        {
            System = Samples.Detailed(id, start).System! with
            {
                Disks =
                [
                    new MountMetrics { Mount = "/", Percent = 40 },
                    new MountMetrics { Mount = "/data", Percent = 50 + (2 * i) },
                ],
            },
        }).ToArray();
        Assert.Equal(HttpStatusCode.OK, (await http.PostBatchAsync(samples)).StatusCode);

        await using var browser = await fixture.OpenAsync();
        var page = browser.Page;
        await page.GotoAsync($"agent.html?id={id}&range=10800");

        var disk = page.Locator("[data-chart='disk']");
        await Expect(disk).ToHaveAttributeAsync("data-trends", "2", Soon);
        await Expect(disk.Locator(".u-legend .u-series:not(:first-child) .u-label")).ToHaveTextAsync(["/", "/data", "/ trend", "/data trend"]);
        // /data rises 12 % an hour from 74 %: the line meets 100 % in 2 h 10 min; the flat / never does.
        await Expect(page.Locator("[data-forecast='disk']")).ToHaveTextAsync("/data full in 2 h");
        await browser.ScreenshotAsync("agent-trend");
        Assert.Empty(browser.Errors);
    }

    [Fact]
    public async Task A_sample_posted_while_the_fleet_page_is_open_appears_without_reload()
    {
        var id = Samples.NewAgentId("live");
        using var http = fixture.Cluster.CreateClient();
        await http.PostSampleAsync(Samples.Sample(id, Samples.RecentTime(120), cpu: 5));

        await using var browser = await fixture.OpenAsync();
        var page = browser.Page;
        await page.GotoAsync("./");
        var row = page.Locator($"[data-agent-id='{id}']");
        await Expect(row.Locator(".bar-label").First).ToHaveTextAsync("5.0 %");
        await Expect(page.Locator("#live-state")).ToHaveAttributeAsync("data-state", "live", Soon);

        var newcomer = Samples.NewAgentId("newcomer");
        await http.PostSampleAsync(Samples.Sample(id, Samples.RecentTime(5), cpu: 77.5));
        await http.PostSampleAsync(Samples.Sample(newcomer, Samples.RecentTime(5), cpu: 42, name: "brand new host"));

        await Expect(row.Locator(".bar-label").First).ToHaveTextAsync("77.5 %", WithinTwoSeconds);
        await Expect(page.Locator($"[data-agent-id='{newcomer}'] .name a")).ToHaveTextAsync("brand new host", WithinTwoSeconds);
        await browser.ScreenshotAsync("fleet-live");
        Assert.Empty(browser.Errors);
    }

    [Fact]
    public async Task A_sample_posted_while_the_agent_page_is_open_joins_its_charts_without_reload()
    {
        var id = Samples.NewAgentId("agent-live");
        using var http = fixture.Cluster.CreateClient();
        await http.PostSampleAsync(Samples.Detailed(id, Samples.RecentTime(120)));

        await using var browser = await fixture.OpenAsync();
        var page = browser.Page;
        await page.GotoAsync($"agent.html?id={id}&range=900");
        var cpu = page.Locator("[data-chart='cpu']");
        var before = await PointsAsync(cpu);
        await Expect(page.Locator("#live-state")).ToHaveAttributeAsync("data-state", "live", Soon);

        var next = Samples.Detailed(id, Samples.RecentTime(5)) with
        {
            Agent = Samples.Detailed(id, Samples.RecentTime(5)).Agent! with { Version = "9.9.9" },
        };
        await http.PostSampleAsync(next);

        await Expect(page.Locator("#info")).ToContainTextAsync("9.9.9", new LocatorAssertionsToContainTextOptions { Timeout = 2000 });
        // The live event carries every series, so the CPU chart gains a point for the total and for each of both cores.
        await Expect(cpu).ToHaveAttributeAsync("data-points", (before + 3).ToString(CultureInfo.InvariantCulture), new LocatorAssertionsToHaveAttributeOptions { Timeout = 2000 });
        await browser.ScreenshotAsync("agent-live");
        Assert.Empty(browser.Errors);
    }

    [Fact]
    public async Task Agent_page_lists_the_top_processes_by_cpu_and_by_memory_and_follows_live_samples()
    {
        var id = Samples.NewAgentId("processes");
        using var http = fixture.Cluster.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await http.PostSampleAsync(Samples.Detailed(id, Samples.RecentTime(120)))).StatusCode);

        await using var browser = await fixture.OpenAsync();
        var page = browser.Page;
        await page.GotoAsync($"agent.html?id={id}");

        await Expect(page.Locator("#processes-cpu tr")).ToHaveTextAsync(["1234postgres150.0 %240.0 MiB", "1systemd0.5 %12.7 MiB"]);
        await Expect(page.Locator("#processes-memory tr")).ToHaveTextAsync(["1234postgres150.0 %240.0 MiB"]);
        await Expect(page.Locator("#info")).ToContainTextAsync("Processes213");
        await Expect(page.Locator("#live-state")).ToHaveAttributeAsync("data-state", "live", Soon);

        var browserTab = new ProcessMetrics { Pid = 4321, Name = "<b>Web Content</b>", CpuPercent = 97.5, RssBytes = 536_870_912 };
        var next = Samples.Detailed(id, Samples.RecentTime(5));
        await http.PostSampleAsync(next with
        {
            System = next.System! with { Processes = new TopProcesses { Total = 214, ByCpu = [browserTab], ByMemory = [browserTab] } },
        });

        await Expect(page.Locator("#processes-cpu tr")).ToHaveTextAsync(["4321<b>Web Content</b>97.5 %512.0 MiB"], WithinTwoSeconds);
        await Expect(page.Locator("#processes-memory tr")).ToHaveTextAsync(["4321<b>Web Content</b>97.5 %512.0 MiB"]);
        await Expect(page.Locator("main b")).ToHaveCountAsync(0);
        await browser.ScreenshotAsync("agent-processes");
        Assert.Empty(browser.Errors);
    }

    [Fact]
    public async Task An_agent_name_with_markup_renders_as_text()
    {
        const string name = "<img src=x onerror=alert(1)>";
        var id = Samples.NewAgentId("xss");
        using var http = fixture.Cluster.CreateClient();
        var sample = Samples.Sample(id, Samples.RecentTime(30), name: name) with
        {
            Network = [new NetworkCheck { Host = "db.internal", Port = 5432, Status = "down", Error = "<script>alert(2)</script>", Kind = "tcp" }],
        };
        Assert.Equal(HttpStatusCode.OK, (await http.PostSampleAsync(sample)).StatusCode);

        await using var browser = await fixture.OpenAsync();
        var page = browser.Page;
        var response = await page.GotoAsync("./");
        Assert.Contains("script-src 'self'", (await response!.AllHeadersAsync())["content-security-policy"], StringComparison.Ordinal);

        var link = page.Locator($"[data-agent-id='{id}'] .name a");
        await Expect(link).ToHaveTextAsync(name);
        await Expect(page.Locator("#agents img")).ToHaveCountAsync(0);
        await browser.ScreenshotAsync("xss-fleet");

        await link.ClickAsync();
        await Expect(page.Locator("#agent-name")).ToHaveTextAsync(name);
        await Expect(page.Locator("#checks")).ToContainTextAsync("<script>alert(2)</script>");
        await Expect(page.Locator("main img")).ToHaveCountAsync(0);
        await browser.ScreenshotAsync("xss-agent");
        Assert.Empty(browser.Dialogs);
        Assert.Empty(browser.Errors);
    }

    [Fact]
    public async Task A_sample_whose_optional_fields_are_all_null_renders_on_every_page()
    {
        var id = Samples.NewAgentId("nulls");
        using var http = fixture.Cluster.CreateClient();
        var body = $$$"""
            {"agent_id": "{{{id}}}", "agent_name": null, "timestamp": "{{{Samples.RecentTime(30):O}}}", "interval_seconds": null,
             "system": {"timestamp": null, "cpu_percent": 12.5,
               "memory": {"total": null, "available": null, "used": null, "percent": 40},
               "disk": {"total": null, "used": null, "free": null, "percent": 50},
               "cpu": {"count": null, "per_core": null, "user": null, "system": null, "iowait": null, "steal": null},
               "load": {"load1": null, "load5": null, "load15": null},
               "swap": {"total": null, "used": null, "free": null, "percent": null},
               "disks": null, "disk_io": null, "interfaces": null, "uptime_seconds": null, "boot_time": null},
             "network": [{"host": "db.internal", "port": null, "url": null, "status_code": null, "status": "up", "latency_ms": null, "error": null, "kind": null}],
             "agent": {"version": null, "os": null, "spool_depth": null, "spool_bytes": null, "oldest_unsent_seconds": null,
               "dropped_total": null, "dropped": null, "rejected_total": null, "clock_offset_ms": null}}
            """;
        Assert.Equal(HttpStatusCode.OK, (await http.PostRawAsync("/api/v1/metrics", body)).StatusCode);

        await using var browser = await fixture.OpenAsync();
        var page = browser.Page;
        await page.GotoAsync("./");
        await Expect(page.Locator($"[data-agent-id='{id}']")).ToHaveCountAsync(1);
        await page.GotoAsync($"agent.html?id={id}");
        await Expect(page.Locator("#info")).ToContainTextAsync("Clock offset–");
        await Expect(page.Locator("#checks")).ToContainTextAsync("db.internal");
        await Expect(page.Locator("#processes-cpu")).ToHaveTextAsync("The latest sample lists no processes.");
        await page.GotoAsync("alerts.html");
        await Expect(page.Locator("#live-state")).ToHaveAttributeAsync("data-state", "live", Soon);
        await Expect(page.Locator("#rules tr").First).ToBeVisibleAsync();

        Assert.Empty(browser.ScriptErrors);
    }
}
