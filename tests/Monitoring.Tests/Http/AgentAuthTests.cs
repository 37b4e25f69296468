using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.Options;
using Monitoring.Contracts;
using Monitoring.Tests.Cluster;

namespace Monitoring.Tests.Http;

/// <summary>
/// The real API with agent tokens configured, on the shared cluster: ingest needs a known bearer token that may report
/// for the sample's agent; anything else is a 401 or 403 ProblemDetails and stores nothing. With no access token configured, queries stay open.
/// </summary>
public abstract class AgentAuthTests(ApiTopology fixture) : OwnApiTests(fixture, Settings)
{
    private const string FleetToken = "fleet-token-0123456789abcdef";
    private const string WebToken = "web-only-token-0123456789";

    private static readonly Dictionary<string, string> Settings = new()
    {
        ["AgentAuth:Tokens:0:Token"] = FleetToken,
        ["AgentAuth:Tokens:1:Token"] = WebToken,
        ["AgentAuth:Tokens:1:Agents"] = "web-*",
    };

    [Fact]
    public async Task A_sample_without_a_token_is_refused_with_401_and_not_stored()
    {
        var agent = Samples.NewAgentId();

        var response = await Http.PostSampleAsync(Samples.Sample(agent, Samples.RecentTime()));

        await ApiClient.AssertProblemAsync(response, HttpStatusCode.Unauthorized, "An agent token is required");
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
        Assert.Equal(0, Api.HistoryRows(agent));
    }

    [Fact]
    public async Task An_unknown_token_is_refused_with_401_and_nothing_is_stored()
    {
        var agent = Samples.NewAgentId();
        Authorize("fleet-token-0123456789abcdeX");

        var single = await Http.PostSampleAsync(Samples.Sample(agent, Samples.RecentTime()));
        var batch = await Http.PostBatchAsync([Samples.Sample(agent, Samples.RecentTime(30))]);

        await ApiClient.AssertProblemAsync(single, HttpStatusCode.Unauthorized, "not recognised");
        await ApiClient.AssertProblemAsync(batch, HttpStatusCode.Unauthorized, "not recognised");
        Assert.Equal(0, Api.HistoryRows(agent));
    }

    [Fact]
    public async Task A_known_token_reports_a_sample_and_a_batch()
    {
        var agent = Samples.NewAgentId();
        Authorize(FleetToken);

        var single = await Http.PostSampleAsync(Samples.Sample(agent, Samples.RecentTime(60)));
        var batch = await Http.PostBatchAsync([Samples.Sample(agent, Samples.RecentTime(50)), Samples.Sample(agent, Samples.RecentTime(40))]);

        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK), (single.StatusCode, batch.StatusCode));
        Assert.Equal(3, Api.HistoryRows(agent));
    }

    [Fact]
    public async Task A_token_scoped_to_a_glob_reports_only_for_matching_agents()
    {
        var web = Samples.NewAgentId("web");
        var db = Samples.NewAgentId("db");
        Authorize(WebToken);

        var allowed = await Http.PostSampleAsync(Samples.Sample(web, Samples.RecentTime()));
        var foreign = await Http.PostSampleAsync(Samples.Sample(db, Samples.RecentTime()));
        var mixed = await Http.PostBatchAsync([Samples.Sample(web, Samples.RecentTime(30)), Samples.Sample(db, Samples.RecentTime(30))]);

        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        await ApiClient.AssertProblemAsync(foreign, HttpStatusCode.Forbidden, "may not report");
        await ApiClient.AssertProblemAsync(mixed, HttpStatusCode.Forbidden, "may not report");
        Assert.Equal((1, 0), (Api.HistoryRows(web), Api.HistoryRows(db)));
    }

    [Fact]
    public async Task Queries_need_no_token_while_no_access_token_is_configured()
    {
        var agent = Samples.NewAgentId();
        Authorize(FleetToken);
        Assert.Equal(HttpStatusCode.OK, (await Http.PostSampleAsync(Samples.Sample(agent, Samples.RecentTime()))).StatusCode);
        Http.DefaultRequestHeaders.Authorization = null;

        Assert.Equal(HttpStatusCode.OK, (await Http.FetchAsync($"/api/v1/metrics/{agent}/latest")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Http.FetchAsync("/api/v1/agents")).StatusCode);
    }

    [Fact]
    public void A_token_too_short_to_be_safe_stops_the_api_at_start()
    {
        var error = Assert.Throws<OptionsValidationException>(() => Topology.StartApi(new Dictionary<string, string> { ["AgentAuth:Tokens:0:Token"] = "short" }));

        Assert.Contains("AgentAuth:Tokens:N:Token", error.Message, StringComparison.Ordinal);
    }

    private void Authorize(string token) => Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
}

[Collection(ClusterCollection.Name)]
public sealed class AgentAuthTestsOnCluster(ClusterFixture fixture) : AgentAuthTests(fixture);

[Collection(AllInOneCollection.Name)]
public sealed class AgentAuthTestsOnAllInOne(AllInOneFixture fixture) : AgentAuthTests(fixture);
