using System.Net;
using System.Net.ServerSentEvents;
using System.Text.Json;
using Monitoring.Contracts;
using Monitoring.Tests.Cluster;

namespace Monitoring.Tests.Http;

public abstract class LiveFeedTests(ApiTopology fixture)
{
    private readonly HttpClient _http = fixture.CreateClient();

    [Fact]
    public async Task Live_stream_of_one_agent_sends_its_acknowledged_samples_with_every_series()
    {
        var agentId = Samples.NewAgentId();
        await using var stream = await LiveStream.OpenAsync(_http, $"/api/v1/live?agent_id={agentId}");

        await _http.PostSampleAsync(Samples.Detailed(Samples.NewAgentId(), Samples.RecentTime(5)));
        var at = Samples.RecentTime(5);
        await _http.PostSampleAsync(Samples.Detailed(agentId, at));

        var sample = await stream.NextSampleAsync();
        Assert.Equal(agentId, sample.AgentId);
        Assert.Equal(at, sample.Timestamp);
        Assert.Equal(12.5, sample.CpuPercent);
        Assert.Equal(15, sample.Series!["cpu.core[1]"]);
        Assert.Equal(95, sample.Series["disk[/home].percent"]);
        Assert.Equal(1, sample.Series["check[db.internal:5432].reachable"]);
        Assert.Equal("1.2.3", sample.Agent!.Version);
        Assert.Equal(54, sample.Series["temp[coretemp/Package id 0].celsius"]);
        Assert.Equal("postgres", sample.Processes!.ByCpu![0].Name);
    }

    [Fact]
    public async Task Live_stream_of_the_fleet_sends_headline_values_only()
    {
        var agentId = Samples.NewAgentId();
        await using var stream = await LiveStream.OpenAsync(_http, "/api/v1/live");

        await _http.PostSampleAsync(Samples.Detailed(agentId, Samples.RecentTime(5)) with { AgentName = "web 9" });

        var sample = await stream.NextSampleAsync(agentId);
        Assert.Equal("web 9", sample.AgentName);
        Assert.Equal(25, sample.MemoryPercent);
        Assert.Null(sample.Series);
        Assert.Null(sample.Network);
        Assert.Null(sample.Processes);
    }

    [Fact]
    public async Task A_backfill_batch_shows_on_the_live_stream_as_its_newest_sample_only()
    {
        var agentId = Samples.NewAgentId();
        var newest = Samples.RecentTime(10);
        await using var stream = await LiveStream.OpenAsync(_http, $"/api/v1/live?agent_id={agentId}");

        await _http.PostBatchAsync([.. new[] { newest.AddSeconds(-290), newest, newest.AddSeconds(-190) }.Select(at => Samples.Sample(agentId, at))]);
        var after = Samples.RecentTime(1);
        await _http.PostSampleAsync(Samples.Sample(agentId, after));

        Assert.Equal(newest, (await stream.NextSampleAsync()).Timestamp);
        Assert.Equal(after, (await stream.NextSampleAsync()).Timestamp);
    }

    [Fact]
    public async Task Live_stream_refuses_an_invalid_agent_id()
    {
        var response = await _http.FetchAsync("/api/v1/live?agent_id=not%20an%20id");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await response.ReadJsonAsync()).GetProperty("errors").TryGetProperty("agent_id", out _));
    }

    [Fact]
    public async Task OpenApi_document_describes_the_live_stream_as_server_sent_events()
    {
        var json = await (await _http.FetchAsync("/openapi/v1.json")).ReadJsonAsync();

        var content = json.GetProperty("paths").GetProperty("/api/v1/live").GetProperty("get").GetProperty("responses").GetProperty("200").GetProperty("content");
        Assert.True(content.TryGetProperty("text/event-stream", out _));
    }

    [Fact]
    public async Task Dashboard_pages_are_served_with_a_content_security_policy_and_the_chart_library()
    {
        foreach (var path in new[] { "/", "/agent.html", "/alerts.html", "/js/fleet.js", "/lib/uplot/uPlot.esm.js" })
        {
            var response = await _http.FetchAsync(path);

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var policy = string.Join(";", response.Headers.GetValues("Content-Security-Policy"));
            Assert.Contains("script-src 'self'", policy, StringComparison.Ordinal);
            Assert.DoesNotContain("unsafe-inline", policy, StringComparison.Ordinal);
        }
    }

    /// <summary>An open <c>text/event-stream</c> response read with the BCL's SSE parser.</summary>
    private sealed class LiveStream : IAsyncDisposable
    {
        private readonly HttpResponseMessage _response;
        private readonly IAsyncEnumerator<SseItem<string>> _events;

        private LiveStream(HttpResponseMessage response, Stream body)
        {
            _response = response;
            _events = SseParser.Create(body).EnumerateAsync(TestContext.Current.CancellationToken).GetAsyncEnumerator(TestContext.Current.CancellationToken);
        }

        public static async Task<LiveStream> OpenAsync(HttpClient http, string path)
        {
            var response = await http.GetAsync(new Uri(path, UriKind.Relative), HttpCompletionOption.ResponseHeadersRead, TestContext.Current.CancellationToken);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
            var stream = new LiveStream(response, await response.Content.ReadAsStreamAsync(TestContext.Current.CancellationToken));
            // The first event says the subscription is in place: samples acknowledged from now on will arrive.
            Assert.Equal("keepalive", await stream.NextEventTypeAsync());
            return stream;
        }

        /// <summary>The next <c>sample</c> event, of <paramref name="agentId"/> when given; fails after 10 s.</summary>
        public async Task<LiveSample> NextSampleAsync(string? agentId = null)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            while (await _events.MoveNextAsync().AsTask().WaitAsync(timeout.Token))
            {
                if (_events.Current.EventType == "sample")
                {
                    var sample = JsonSerializer.Deserialize(_events.Current.Data, MonitoringJsonContext.Default.LiveSample)!;
                    if (agentId is null || sample.AgentId == agentId)
                    {
                        return sample;
                    }
                }
            }

            throw new InvalidOperationException("The live stream ended.");
        }

        private async Task<string> NextEventTypeAsync()
        {
            Assert.True(await _events.MoveNextAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10)));
            return _events.Current.EventType;
        }

        public async ValueTask DisposeAsync()
        {
            _response.Dispose();
            await _events.DisposeAsync();
        }
    }
}

[Collection(ClusterCollection.Name)]
public sealed class LiveFeedTestsOnCluster(ClusterFixture fixture) : LiveFeedTests(fixture);

[Collection(AllInOneCollection.Name)]
public sealed class LiveFeedTestsOnAllInOne(AllInOneFixture fixture) : LiveFeedTests(fixture);
