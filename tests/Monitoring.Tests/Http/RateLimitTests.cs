using System.Net;
using Monitoring.Tests.Alerts;
using Monitoring.Tests.Cluster;

namespace Monitoring.Tests.Http;

/// <summary>
/// The real API with tight rate limits: an agent over its rate, a caller over its query rate and a client over its
/// live streams get <c>429</c> ProblemDetails with <c>Retry-After</c>, and nothing is stored or opened.
/// </summary>
public abstract class RateLimitTests(ApiTopology fixture) : OwnApiTests(fixture, Settings)
{
    // The slowest buckets there are (one permit a second) with a small burst: a test empties one long before it refills.
    private static readonly Dictionary<string, string> Settings = new()
    {
        ["RateLimits:IngestSamplesPerSecond"] = "1",
        ["RateLimits:IngestBurstSamples"] = "3",
        ["RateLimits:QueriesPerSecond"] = "1",
        ["RateLimits:QueryBurst"] = "3",
        ["RateLimits:LiveStreamsPerClient"] = "2",
        ["RateLimits:LiveStreamsTotal"] = "3",
    };

    [Fact]
    public async Task Samples_over_an_agents_rate_get_429_with_Retry_After_and_are_not_stored_while_other_agents_go_on()
    {
        var busy = Samples.NewAgentId();
        var other = Samples.NewAgentId();

        var accepted = 0;
        HttpResponseMessage answer;
        while ((answer = await Http.PostSampleAsync(Samples.Sample(busy, Samples.RecentTime(120 - accepted)))).StatusCode == HttpStatusCode.OK)
        {
            accepted++;
            Assert.InRange(accepted, 1, 30);
        }

        var batch = await Http.PostBatchAsync([.. Enumerable.Range(0, 3).Select(i => Samples.Sample(busy, Samples.RecentTime(5 + i)))]);
        var otherAnswer = await Http.PostSampleAsync(Samples.Sample(other, Samples.RecentTime()));

        Assert.InRange(accepted, 3, 30);
        await ApiClient.AssertProblemAsync(answer, HttpStatusCode.TooManyRequests, "Too many samples");
        Assert.True(answer.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1));
        await ApiClient.AssertProblemAsync(batch, HttpStatusCode.TooManyRequests, "Too many samples");
        Assert.Equal(HttpStatusCode.OK, otherAnswer.StatusCode);
        Assert.Equal(accepted, Api.HistoryRows(busy));
    }

    [Fact]
    public async Task Queries_over_a_callers_rate_get_429_with_Retry_After()
    {
        var answered = 0;
        HttpResponseMessage answer;
        while ((answer = await Http.FetchAsync("/api/v1/agents")).StatusCode == HttpStatusCode.OK)
        {
            answered++;
            Assert.InRange(answered, 1, 30);
        }

        Assert.InRange(answered, 3, 30);
        await ApiClient.AssertProblemAsync(answer, HttpStatusCode.TooManyRequests, "Too many requests");
        Assert.True(answer.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1));
        Assert.Equal(HttpStatusCode.OK, (await Http.FetchAsync("/health")).StatusCode);
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
        Http.GetAsync(new Uri("/api/v1/live", UriKind.Relative), HttpCompletionOption.ResponseHeadersRead, TestContext.Current.CancellationToken);
}

[Collection(ClusterCollection.Name)]
public sealed class RateLimitTestsOnCluster(ClusterFixture fixture) : RateLimitTests(fixture);

[Collection(AllInOneCollection.Name)]
public sealed class RateLimitTestsOnAllInOne(AllInOneFixture fixture) : RateLimitTests(fixture);
