using System.Net;
using Monitoring.Contracts;
using Monitoring.Tests.Cluster;

namespace Monitoring.Tests.Http;

public abstract class IngestApiTests(ApiTopology fixture)
{
    private readonly HttpClient _http = fixture.CreateClient();

    [Fact]
    public async Task Post_answers_the_seed_success_body_once_the_sample_is_durable()
    {
        var agentId = Samples.NewAgentId();

        var response = await _http.PostSampleAsync(Samples.Sample(agentId, Samples.RecentTime()));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.ReadAsync(MonitoringJsonContext.Default.IngestAccepted);
        Assert.Equal("success", body.Status);
        Assert.Equal("Metrics received", body.Message);
        Assert.True(DateTimeOffset.UtcNow - body.Timestamp < TimeSpan.FromMinutes(1));
        Assert.Equal(1, fixture.HistoryRows(agentId));
    }

    [Fact]
    public async Task Concurrent_posts_travel_together_and_each_is_acknowledged_only_once_stored()
    {
        var agents = Enumerable.Range(0, 50).Select(_ => Samples.NewAgentId()).ToArray();
        var start = Samples.RecentTime(600);

        var responses = await Task.WhenAll(agents.SelectMany(agent => Enumerable.Range(0, 4)
            .Select(i => _http.PostSampleAsync(Samples.Sample(agent, start.AddSeconds(i))))));

        Assert.All(responses, response => Assert.Equal(HttpStatusCode.OK, response.StatusCode));
        Assert.All(agents, agent => Assert.Equal(4, fixture.HistoryRows(agent)));
        Assert.All(agents, agent => Assert.Equal(1, fixture.Scalar(
            "SELECT count(*) FROM agents WHERE agent_id = @id AND latest_ts IS NOT NULL", ("@id", agent))));
    }

    [Fact]
    public async Task The_seed_readme_minimal_body_with_extra_fields_is_accepted()
    {
        var agentId = Samples.NewAgentId();
        var timestamp = DateTimeOffset.UtcNow.AddSeconds(-5).ToString("yyyy-MM-ddTHH:mm:ss.ffffffzzz", System.Globalization.CultureInfo.InvariantCulture);
        var body = $$$"""
            {"agent_id": "{{{agentId}}}", "agent_name": "seed agent", "timestamp": "{{{timestamp}}}",
             "system": {"cpu_percent": 45.2, "memory": {"percent": 67.8}, "disk": {"percent": 23.4}, "future_field": [1, 2]},
             "network": [{"host": "8.8.8.8", "port": 53, "status": "up", "latency_ms": 12.3},
                         {"url": "https://example.org", "status_code": 503, "status": "degraded", "latency_ms": 200.0},
                         {"host": "10.0.0.9", "port": 22, "status": "down", "error": "timed out"}],
             "something_new": {"nested": true}}
            """;

        var response = await _http.PostRawAsync("/api/v1/metrics", body);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var latest = await (await _http.FetchAsync($"/api/v1/metrics/{agentId}/latest")).ReadAsync(MonitoringJsonContext.Default.LatestMetrics);
        Assert.Equal(45.2, latest.CpuPercent);
        Assert.Equal(67.8, latest.MemoryPercent);
        Assert.Equal(23.4, latest.DiskPercent);
        Assert.Equal("timed out", latest.Network[2].Error);
    }

    [Fact]
    public async Task Reposting_the_same_sample_answers_200_and_stores_it_once()
    {
        var agentId = Samples.NewAgentId();
        var sample = Samples.Sample(agentId, Samples.RecentTime());

        var first = await _http.PostSampleAsync(sample);
        var again = await _http.PostSampleAsync(sample);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(1, fixture.HistoryRows(agentId));
    }

    [Fact]
    public async Task Batch_stores_every_sample_of_every_agent_and_is_idempotent()
    {
        var (a, b) = (Samples.NewAgentId(), Samples.NewAgentId());
        var start = Samples.RecentTime(300);
        MetricsReport[] batch = [Samples.Sample(a, start), Samples.Sample(a, start.AddSeconds(10)), Samples.Sample(b, start)];

        var response = await _http.PostBatchAsync(batch);
        var again = await _http.PostBatchAsync(batch);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(3, (await response.ReadAsync(MonitoringJsonContext.Default.IngestAccepted)).Accepted);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(2, fixture.HistoryRows(a));
        Assert.Equal(1, fixture.HistoryRows(b));
    }

    [Fact]
    public async Task Batch_with_one_invalid_sample_is_refused_whole_and_names_the_field()
    {
        var (a, b) = (Samples.NewAgentId(), Samples.NewAgentId());
        var now = Samples.RecentTime();
        MetricsReport[] batch = [Samples.Sample(a, now), Samples.Sample(b, now, cpu: 250)];

        var response = await _http.PostBatchAsync(batch);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.ReadJsonAsync();
        Assert.True(problem.GetProperty("errors").TryGetProperty("[1].system.cpu_percent", out _));
        Assert.Equal(0, fixture.AgentRows(a));
        Assert.Equal(0, fixture.AgentRows(b));
    }

    [Fact]
    public async Task A_megabyte_of_invalid_samples_buys_an_answer_of_at_most_a_hundred_errors()
    {
        var now = Samples.RecentTime();
        // As many samples as fit under the 1 MiB body limit, each wrong in long fields: errors enough for a huge answer.
        var wrong = Samples.Detailed(new string('x', 300), now) with { AgentName = new string('\u202e', 100) };
        var one = System.Text.Json.JsonSerializer.Serialize(wrong, MonitoringJsonContext.Default.MetricsReport).Length;
        var count = Math.Min(1000, 1_040_000 / (one + 1));
        var batch = System.Text.Json.JsonSerializer.Serialize(Enumerable.Repeat(wrong, count).ToArray(), MonitoringJsonContext.Default.MetricsReportArray);
        var before = fixture.StoredSamples();

        var response = await _http.PostRawAsync("/api/v1/metrics/batch", batch);
        var answer = await response.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken);

        Assert.True(batch.Length > 900_000 && count > 100, $"the batch is {count} samples in {batch.Length} characters, not a megabyte");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True(answer.Length < 64 * 1024, $"{answer.Length} bytes answered");
        var errors = (await response.ReadJsonAsync()).GetProperty("errors");
        Assert.Equal(101, errors.EnumerateObject().Count());
        Assert.Equal(before, fixture.StoredSamples());
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("{}")]
    [InlineData("[null]")]
    public async Task Batch_that_is_empty_or_not_a_list_of_samples_is_refused(string body)
    {
        var before = fixture.StoredSamples();

        var response = await _http.PostRawAsync("/api/v1/metrics/batch", body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(before, fixture.StoredSamples());
    }
}

[Collection(ClusterCollection.Name)]
public sealed class IngestApiTestsOnCluster(ClusterFixture fixture) : IngestApiTests(fixture);

[Collection(AllInOneCollection.Name)]
public sealed class IngestApiTestsOnAllInOne(AllInOneFixture fixture) : IngestApiTests(fixture);
