using System.Net;
using Monitoring.Tests.Alerts;
using Monitoring.Tests.Cluster;

namespace Monitoring.Tests.Http;

/// <summary>
/// The real API with tight rate limits: an agent over its rate, a caller over its query rate and a client over its
/// live streams get <c>429</c> ProblemDetails with <c>Retry-After</c>, and nothing is stored or opened.
/// </summary>
public abstract class RateLimitTests(ApiTopology fixture) : IAsyncLifetime
{
    private ApiTopology _api = null!;
    private HttpClient _http = null!;

    public ValueTask InitializeAsync()
    {
        // Slow buckets (one permit a minute) so that nothing is replenished while a test runs.
        _api = fixture.StartApi(new Dictionary<string, string>
        {
            ["RateLimits:IngestSamplesPerSecond"] = "1",
            ["RateLimits:IngestBurstSamples"] = "3",
            ["RateLimits:QueriesPerSecond"] = "1",
            ["RateLimits:QueryBurst"] = "3",
            ["RateLimits:LiveStreamsPerClient"] = "2",
            ["RateLimits:LiveStreamsTotal"] = "3",
        });
        _http = _api.CreateClient();
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        await _api.DisposeAsync();
    }

    [Fact]
    public async Task Samples_over_an_agents_burst_get_429_with_Retry_After_and_are_not_stored_while_other_agents_go_on()
    {
        var busy = Samples.NewAgentId();
        var other = Samples.NewAgentId();

        var answers = new List<HttpStatusCode>();
        for (var i = 0; i < 3; i++)
        {
            answers.Add((await _http.PostSampleAsync(Samples.Sample(busy, Samples.RecentTime(60 - i)))).StatusCode);
        }

        var refused = await _http.PostSampleAsync(Samples.Sample(busy, Samples.RecentTime(10)));
        var batch = await _http.PostBatchAsync([Samples.Sample(busy, Samples.RecentTime(5))]);
        var otherAnswer = await _http.PostSampleAsync(Samples.Sample(other, Samples.RecentTime()));

        Assert.All(answers, status => Assert.Equal(HttpStatusCode.OK, status));
        await ApiClient.AssertProblemAsync(refused, HttpStatusCode.TooManyRequests, "Too many samples");
        Assert.True(refused.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1));
        await ApiClient.AssertProblemAsync(batch, HttpStatusCode.TooManyRequests, "Too many samples");
        Assert.Equal(HttpStatusCode.OK, otherAnswer.StatusCode);
        Assert.Equal(3, _api.HistoryRows(busy));
    }

    [Fact]
    public async Task Queries_over_a_callers_burst_get_429_with_Retry_After()
    {
        var answers = new List<HttpResponseMessage>();
        for (var i = 0; i < 4; i++)
        {
            answers.Add(await _http.FetchAsync("/api/v1/agents"));
        }

        Assert.All(answers[..3], answer => Assert.Equal(HttpStatusCode.OK, answer.StatusCode));
        await ApiClient.AssertProblemAsync(answers[3], HttpStatusCode.TooManyRequests, "Too many requests");
        Assert.True(answers[3].Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1));
        Assert.Equal(HttpStatusCode.OK, (await _http.FetchAsync("/health")).StatusCode);
    }

    [Fact]
    public async Task A_client_holds_at_most_its_live_streams_and_gets_one_back_when_it_closes_one()
    {
        var first = await OpenLiveAsync();
        using var second = await OpenLiveAsync();
        using var third = await OpenLiveAsync();

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        await ApiClient.AssertProblemAsync(third, HttpStatusCode.TooManyRequests, "Too many requests");

        first.Dispose();
        await Eventually.TrueAsync(async () =>
        {
            using var again = await OpenLiveAsync();
            return again.StatusCode == HttpStatusCode.OK;
        }, "a closed stream's permit is given back");
    }

    private Task<HttpResponseMessage> OpenLiveAsync() =>
        _http.GetAsync(new Uri("/api/v1/live", UriKind.Relative), HttpCompletionOption.ResponseHeadersRead, TestContext.Current.CancellationToken);
}

[Collection(ClusterCollection.Name)]
public sealed class RateLimitTestsOnCluster(ClusterFixture fixture) : RateLimitTests(fixture);

[Collection(AllInOneCollection.Name)]
public sealed class RateLimitTestsOnAllInOne(AllInOneFixture fixture) : RateLimitTests(fixture);
