using System.Net;
using System.Text.Json;
using Monitoring.Contracts;
using Monitoring.Tests.Cluster;

namespace Monitoring.Tests.Http;

public abstract class QueryApiTests(ApiTopology fixture)
{
    private readonly HttpClient _http = fixture.CreateClient();

    [Fact]
    public async Task Agents_lists_every_agent_with_status_times_and_headline_values()
    {
        var agentId = Samples.NewAgentId();
        var at = Samples.RecentTime();
        await _http.PostSampleAsync(Samples.Sample(agentId, at, cpu: 61, name: "cache 1"));

        var list = await (await _http.FetchAsync("/api/v1/agents")).ReadAsync(MonitoringJsonContext.Default.AgentList);

        var agent = Assert.Single(list.Agents, a => a.AgentId == agentId);
        Assert.Equal("cache 1", agent.AgentName);
        Assert.Equal("up", agent.Status);
        Assert.Equal(at, agent.LastSampleAt);
        Assert.Equal(61, agent.CpuPercent);
        Assert.Equal(40, agent.DiskPercent);
        Assert.True(agent.FirstSeen <= agent.LastSeen);
        Assert.Equal(60, agent.IntervalSeconds);
    }

    [Fact]
    public async Task Agent_by_id_answers_its_summary_and_404_problem_when_unknown()
    {
        var agentId = Samples.NewAgentId();
        await _http.PostSampleAsync(Samples.Sample(agentId, Samples.RecentTime(), name: "db 7"));

        var known = await _http.FetchAsync($"/api/v1/agents/{agentId}");
        var unknown = await _http.FetchAsync($"/api/v1/agents/{Samples.NewAgentId()}");
        var invalid = await _http.FetchAsync("/api/v1/agents/not%20an%20id");

        Assert.Equal(HttpStatusCode.OK, known.StatusCode);
        Assert.Equal("db 7", (await known.ReadAsync(MonitoringJsonContext.Default.AgentSummary)).AgentName);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal("application/problem+json", unknown.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
    }

    [Fact]
    public async Task Latest_answers_the_seed_flat_keys_and_the_whole_sample()
    {
        var agentId = Samples.NewAgentId();
        var at = Samples.RecentTime();
        await _http.PostSampleAsync(Samples.Sample(agentId, at.AddSeconds(-30), cpu: 5));
        await _http.PostSampleAsync(Samples.Sample(agentId, at, cpu: 9));

        var response = await _http.FetchAsync($"/api/v1/metrics/{agentId}/latest");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var json = await response.ReadJsonAsync();
        Assert.Equal(9, json.GetProperty("cpu_percent").GetDouble());
        Assert.Equal(25, json.GetProperty("memory_percent").GetDouble());
        Assert.Equal(40, json.GetProperty("disk_percent").GetDouble());
        Assert.Equal(at, json.GetProperty("timestamp").GetDateTimeOffset());
        Assert.Equal(8_000_000_000, json.GetProperty("system").GetProperty("memory").GetProperty("total").GetInt64());
        Assert.Equal("db.internal", json.GetProperty("network")[0].GetProperty("host").GetString());
    }

    [Fact]
    public async Task Latest_and_history_of_an_unknown_agent_are_404_problems()
    {
        var agentId = Samples.NewAgentId();

        foreach (var path in new[] { $"/api/v1/metrics/{agentId}/latest", $"/api/v1/metrics/{agentId}/history", $"/api/v1/metrics/{agentId}" })
        {
            var response = await _http.FetchAsync(path);
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }
    }

    [Fact]
    public async Task History_answers_raw_samples_in_range_oldest_first()
    {
        var agentId = Samples.NewAgentId();
        var start = Samples.RecentTime(1800);
        await _http.PostBatchAsync([.. Enumerable.Range(0, 10).Select(i => Samples.Sample(agentId, start.AddMinutes(i), cpu: i))]);

        var from = Uri.EscapeDataString(start.AddMinutes(2).ToString("O"));
        var to = Uri.EscapeDataString(start.AddMinutes(5).ToString("O"));
        var history = await (await _http.FetchAsync($"/api/v1/metrics/{agentId}/history?from={from}&to={to}"))
            .ReadAsync(MonitoringJsonContext.Default.HistoryResponse);

        Assert.Null(history.Buckets);
        Assert.Equal([2.0, 3, 4], history.Samples!.Select(s => s.CpuPercent));
        Assert.False(history.Truncated);
    }

    [Fact]
    public async Task History_with_max_points_or_step_answers_buckets()
    {
        var agentId = Samples.NewAgentId();
        var start = Samples.RecentTime(1800);
        await _http.PostBatchAsync([.. Enumerable.Range(0, 12).Select(i => Samples.Sample(agentId, start.AddMinutes(i), cpu: i))]);
        var from = Uri.EscapeDataString(start.ToString("O"));
        var to = Uri.EscapeDataString(start.AddMinutes(12).ToString("O"));

        var byPoints = await (await _http.FetchAsync($"/api/v1/metrics/{agentId}/history?from={from}&to={to}&max_points=3"))
            .ReadAsync(MonitoringJsonContext.Default.HistoryResponse);
        var byStep = await (await _http.FetchAsync($"/api/v1/metrics/{agentId}/history?from={from}&to={to}&step=6m"))
            .ReadAsync(MonitoringJsonContext.Default.HistoryResponse);

        Assert.Equal(240, byPoints.StepSeconds);
        Assert.Equal([1.5, 5.5, 9.5], byPoints.Buckets!.Select(b => b.CpuPercent.Avg));
        Assert.Equal([4, 4, 4], byPoints.Buckets!.Select(b => b.Count));
        Assert.Equal([(0.0, 5.0), (6.0, 11.0)], byStep.Buckets!.Select(b => (b.CpuPercent.Min, b.CpuPercent.Max)));
    }

    [Theory]
    [InlineData("from=yesterday", "from")]
    [InlineData("to=2026-13-45T00:00:00Z", "to")]
    [InlineData("from=2026-11-25T10:00:00Z&to=2026-11-25T09:00:00Z", "from")]
    [InlineData("from=2020-01-01T00:00:00Z&to=2026-01-01T00:00:00Z", "from")]
    [InlineData("step=0", "step")]
    [InlineData("step=-5m", "step")]
    [InlineData("step=5w", "step")]
    [InlineData("step=1s&from=2026-11-01T00:00:00Z&to=2026-11-25T00:00:00Z", "step")]
    [InlineData("max_points=0", "max_points")]
    [InlineData("max_points=100001", "max_points")]
    [InlineData("max_points=ten", "max_points")]
    [InlineData("series=", "series")]
    [InlineData("series=cpu_percent,,disk.percent", "series")]
    [InlineData("series=cpu%01", "series")]
    [InlineData("to=0001-01-01T00:00:00Z", "to")]
    [InlineData("from=0001-01-01T00:00:00Z", "from")]
    [InlineData("to=9999-12-31T23:59:59Z", "to")]
    public async Task Bad_history_parameters_are_400_problems_naming_the_parameter(string query, string field)
    {
        var agentId = Samples.NewAgentId();
        await _http.PostSampleAsync(Samples.Sample(agentId, Samples.RecentTime()));

        var response = await _http.FetchAsync($"/api/v1/metrics/{agentId}/history?{query}");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await response.ReadJsonAsync()).GetProperty("errors").TryGetProperty(field, out _));
    }

    [Theory]
    [InlineData("/api/v1/alerts/history?to=0001-01-01T00:00:00Z", "to")]
    [InlineData("/api/v1/alerts/history?from=0001-01-01T00:00:00Z", "from")]
    [InlineData("/api/v1/alerts/history?from=2026-11-25T10:00:00Z&to=2026-11-25T09:00:00Z", "from")]
    public async Task A_time_out_of_range_or_an_inverted_range_is_400_on_the_alert_history(string path, string field)
    {
        var response = await _http.FetchAsync(path);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await response.ReadJsonAsync()).GetProperty("errors").TryGetProperty(field, out _));
    }

    [Theory]
    [InlineData("\"to\": \"0001-01-01T00:00:00Z\"", "to")]
    [InlineData("\"from\": \"0001-01-01T00:00:00Z\"", "from")]
    [InlineData("\"from\": \"2026-11-25T10:00:00Z\", \"to\": \"2026-11-25T09:00:00Z\"", "from")]
    public async Task A_time_out_of_range_or_an_inverted_range_is_400_on_the_rule_preview(string range, string field)
    {
        var body = $$"""{"rule": {"name": "cpu", "metric": "cpu_percent", "comparator": ">", "threshold": 90}, {{range}}}""";

        var response = await _http.PostRawAsync("/api/v1/alert-rules/preview", body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await response.ReadJsonAsync()).GetProperty("errors").TryGetProperty(field, out _));
    }

    [Fact]
    public async Task History_caps_the_points_it_returns()
    {
        var agentId = Samples.NewAgentId();
        var start = Samples.RecentTime(7200);
        for (var chunk = 0; chunk < 11; chunk++)
        {
            await _http.PostBatchAsync([.. Enumerable.Range(chunk * 1000, 1000).Select(i => Samples.Sample(agentId, start.AddMilliseconds(i * 100)))]);
        }

        var from = Uri.EscapeDataString(start.ToString("O"));
        var history = await (await _http.FetchAsync($"/api/v1/metrics/{agentId}/history?from={from}"))
            .ReadAsync(MonitoringJsonContext.Default.HistoryResponse);

        Assert.True(history.Truncated);
        Assert.Equal(10_000, history.Samples!.Count);
        Assert.Equal(start, history.Samples[0].Timestamp);
    }

    [Fact]
    public async Task Seed_history_of_more_than_a_thousand_samples_answers_at_most_a_thousand_averaged_points()
    {
        var agentId = Samples.NewAgentId();
        var start = Samples.RecentTime(3500);
        foreach (var batch in Enumerable.Range(0, 1500).Chunk(1000))
        {
            var posted = await _http.PostBatchAsync([.. batch.Select(i => Samples.Sample(agentId, start.AddSeconds(i * 2), cpu: i % 2 == 0 ? 10 : 20))]);
            Assert.Equal(HttpStatusCode.OK, posted.StatusCode);
        }

        var json = await (await _http.FetchAsync($"/api/v1/metrics/{agentId}?hours=1")).ReadJsonAsync();

        var points = json.GetProperty("metrics").EnumerateArray().ToList();
        Assert.InRange(points.Count, 700, 1000);
        var times = points.Select(p => p.GetProperty("timestamp").GetDateTimeOffset()).ToList();
        Assert.Equal(times.Order(), times);
        Assert.Contains(points, p => p.GetProperty("cpu_percent").GetDouble() == 15);
    }

    [Fact]
    public async Task Seed_history_answers_the_seed_shape_oldest_first()
    {
        var agentId = Samples.NewAgentId();
        var start = Samples.RecentTime(3600);
        await _http.PostBatchAsync([.. Enumerable.Range(0, 3).Select(i => Samples.Sample(agentId, start.AddMinutes(i), cpu: 10 + i))]);

        var json = await (await _http.FetchAsync($"/api/v1/metrics/{agentId}?hours=2")).ReadJsonAsync();
        var bad = await _http.FetchAsync($"/api/v1/metrics/{agentId}?hours=-1");

        Assert.Equal(agentId, json.GetProperty("agent_id").GetString());
        Assert.Equal(2, json.GetProperty("time_range_hours").GetDouble());
        Assert.Equal([10.0, 11, 12], json.GetProperty("metrics").EnumerateArray().Select(m => m.GetProperty("cpu_percent").GetDouble()));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
    }

    [Fact]
    public async Task OpenApi_document_describes_the_api()
    {
        var json = await (await _http.FetchAsync("/openapi/v1.json")).ReadJsonAsync();

        var paths = json.GetProperty("paths");
        Assert.True(paths.TryGetProperty("/api/v1/metrics", out _));
        Assert.True(paths.TryGetProperty("/api/v1/agents", out _));
        Assert.True(paths.TryGetProperty("/api/v1/storage", out _));
        var history = paths.GetProperty("/api/v1/metrics/{agent_id}/history").GetProperty("get");
        Assert.Contains("HistoryResponse", history.GetProperty("responses").GetProperty("200").GetRawText(), StringComparison.Ordinal);
        Assert.Contains("series", history.GetProperty("parameters").EnumerateArray().Select(p => p.GetProperty("name").GetString()));
    }

    [Fact]
    public async Task History_answers_keep_the_wire_shape_and_series_selects_series_by_glob()
    {
        var agentId = Samples.NewAgentId();
        var at = Samples.RecentTime(300);
        await _http.PostBatchAsync([Samples.Detailed(agentId, at), Samples.Detailed(agentId, at.AddSeconds(10))]);
        var range = $"from={Uri.EscapeDataString(at.AddMinutes(-1).ToString("O"))}&to={Uri.EscapeDataString(at.AddMinutes(1).ToString("O"))}";

        var raw = await (await _http.FetchAsync($"/api/v1/metrics/{agentId}/history?{range}&series=cpu.core[*]")).ReadJsonAsync();
        var buckets = await (await _http.FetchAsync($"/api/v1/metrics/{agentId}/history?{range}&step=1h&series=disk[*].percent,load.*")).ReadJsonAsync();

        Assert.Equal(JsonValueKind.Null, raw.GetProperty("step_seconds").ValueKind);
        Assert.Equal(["cpu.core[0]", "cpu.core[1]"], raw.GetProperty("samples")[0].GetProperty("series").EnumerateObject().Select(p => p.Name));
        Assert.Equal(1.25, raw.GetProperty("samples")[0].GetProperty("network")[0].GetProperty("latency_ms").GetDouble());
        Assert.Equal(
            ["disk[/].percent", "disk[/home].percent", "load.load1", "load.load15", "load.load5"],
            buckets.GetProperty("buckets")[0].GetProperty("series").EnumerateObject().Select(p => p.Name).Order());
    }

    [Fact]
    public async Task Storage_reports_samples_bytes_and_tiers()
    {
        await _http.PostSampleAsync(Samples.Sample(Samples.NewAgentId(), Samples.RecentTime()));

        var storage = await (await _http.FetchAsync("/api/v1/storage")).ReadAsync(MonitoringJsonContext.Default.StorageStats);

        Assert.True(storage.Samples >= 1);
        Assert.True(storage.Bytes > 0);
        Assert.Equal(["head", "raw", "5m", "1h"], storage.Tiers.Select(t => t.Tier));
        Assert.True(storage.PendingCompaction >= 1);
    }

    [Theory]
    [InlineData("/health")]
    [InlineData("/alive")]
    public async Task Health_endpoints_answer_in_production(string path)
    {
        var response = await _http.FetchAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}

[Collection(ClusterCollection.Name)]
public sealed class QueryApiTestsOnCluster(ClusterFixture fixture) : QueryApiTests(fixture);

[Collection(AllInOneCollection.Name)]
public sealed class QueryApiTestsOnAllInOne(AllInOneFixture fixture) : QueryApiTests(fixture);
