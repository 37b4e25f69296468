using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Monitoring.Contracts;
using Monitoring.Tests.Cluster;

namespace Monitoring.Tests.Http;

/// <summary>
/// Per-agent keys on the real API: an admin creates enrollment tokens, an agent exchanges one for a key of its own, the
/// key reports for its agent only, and a revoked key is refused. Glob agent tokens keep working beside the keys.
/// </summary>
public abstract class AgentKeyTests(ApiTopology fixture) : OwnApiTests(fixture, Settings)
{
    protected const int KeyRefreshSeconds = 2;
    private const string GlobToken = "web-glob-token-0123456789abcdef";
    protected const string AdminToken = "admin-token-0123456789abcdef";

    protected static readonly Dictionary<string, string> Settings = new()
    {
        ["AgentAuth:Tokens:0:Token"] = GlobToken,
        ["AgentAuth:Tokens:0:Agents"] = "web-*",
        ["AgentAuth:KeyRefreshSeconds"] = KeyRefreshSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["AccessTokens:0:Token"] = AdminToken,
        ["AccessTokens:0:Role"] = "admin",
        ["AccessTokens:0:Name"] = "alice",
    };

    [Fact]
    public async Task An_enrolled_key_reports_for_its_agent_and_is_listed_by_prefix_never_in_full()
    {
        var agent = Samples.NewAgentId("db");
        var token = await CreateTokenAsync(Http, maxUses: 1);

        var enrolled = await EnrollAsync(Http, token.Token, agent);
        var report = await SendAsync(Http, HttpMethod.Post, "/api/v1/metrics", Sample(agent), enrolled.Key);

        Assert.Equal(HttpStatusCode.OK, report.StatusCode);
        Assert.Equal(1, Api.HistoryRows(agent));
        Assert.Equal(agent, enrolled.AgentId);
        Assert.StartsWith("mkey_" + enrolled.Prefix + "_", enrolled.Key, StringComparison.Ordinal);
        var keys = await (await SendAsync(Http, HttpMethod.Get, "/api/v1/agent-keys", null, AdminToken)).Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.Contains($"\"prefix\":\"{enrolled.Prefix}\",\"agent_id\":\"{agent}\"", keys, StringComparison.Ordinal);
        Assert.DoesNotContain(enrolled.Key, keys, StringComparison.Ordinal);
        var tokens = await (await SendAsync(Http, HttpMethod.Get, "/api/v1/enrollment-tokens", null, AdminToken)).Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.Contains($"\"id\":\"{token.Id}\"", tokens, StringComparison.Ordinal);
        Assert.Contains("\"uses\":1", tokens, StringComparison.Ordinal);
        Assert.Contains("\"created_by\":\"alice\"", tokens, StringComparison.Ordinal);
        Assert.DoesNotContain(token.Token, tokens, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_key_that_reports_for_another_agent_is_refused_with_403_and_nothing_is_stored()
    {
        var own = Samples.NewAgentId("db");
        var other = Samples.NewAgentId("db");
        var key = (await EnrollAsync(Http, (await CreateTokenAsync(Http, maxUses: 1)).Token, own)).Key;

        var single = await SendAsync(Http, HttpMethod.Post, "/api/v1/metrics", Sample(other), key);
        var mixed = await SendAsync(Http, HttpMethod.Post, "/api/v1/metrics/batch", $"[{Sample(own, 30)}, {Sample(other, 30)}]", key);

        await ApiClient.AssertProblemAsync(single, HttpStatusCode.Forbidden, "may not report");
        await ApiClient.AssertProblemAsync(mixed, HttpStatusCode.Forbidden, "may not report");
        Assert.Equal((0, 0), (Api.HistoryRows(own), Api.HistoryRows(other)));
        Assert.Equal((0, 0), (Api.AgentRows(own), Api.AgentRows(other)));
    }

    [Fact]
    public async Task An_enrollment_token_issues_as_many_keys_as_its_uses_and_then_none()
    {
        var token = await CreateTokenAsync(Http, maxUses: 2);
        var first = await EnrollAsync(Http, token.Token, Samples.NewAgentId("db"));
        var second = await EnrollAsync(Http, token.Token, Samples.NewAgentId("db"));
        var keysBefore = await KeysAsync();

        var third = await SendAsync(Http, HttpMethod.Post, "/api/v1/enroll", EnrollBody(token.Token, Samples.NewAgentId("db")), null);

        await ApiClient.AssertProblemAsync(third, HttpStatusCode.Forbidden, "used as many times as it may");
        Assert.NotEqual(first.Prefix, second.Prefix);
        Assert.Equal(keysBefore, await KeysAsync());
    }

    [Fact]
    public async Task An_expired_enrollment_token_issues_no_key()
    {
        // Far enough ahead that a busy machine still creates it before it expires.
        var expiresAt = DateTimeOffset.UtcNow.AddSeconds(5);
        var created = await SendAsync(Http, HttpMethod.Post, "/api/v1/enrollment-tokens", $$"""{"expires_at": "{{expiresAt:O}}", "max_uses": 5}""", AdminToken);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var token = (await created.ReadJsonAsync()).GetProperty("token").GetString()!;
        var keysBefore = await KeysAsync();
        await Task.Delay(expiresAt - DateTimeOffset.UtcNow + TimeSpan.FromMilliseconds(200), TestContext.Current.CancellationToken);

        var response = await SendAsync(Http, HttpMethod.Post, "/api/v1/enroll", EnrollBody(token, Samples.NewAgentId("db")), null);

        await ApiClient.AssertProblemAsync(response, HttpStatusCode.Forbidden, "expired");
        Assert.Equal(keysBefore, await KeysAsync());
    }

    [Theory]
    [InlineData("menr_0123456789abcdef_0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef")]
    [InlineData("not-an-enrollment-token")]
    public async Task An_unknown_enrollment_token_is_refused_with_401_and_issues_no_key(string token)
    {
        var keysBefore = await KeysAsync();

        var response = await SendAsync(Http, HttpMethod.Post, "/api/v1/enroll", EnrollBody(token, Samples.NewAgentId("db")), null);

        await ApiClient.AssertProblemAsync(response, HttpStatusCode.Unauthorized, "not recognised");
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
        Assert.Equal(keysBefore, await KeysAsync());
    }

    [Fact]
    public async Task A_deleted_enrollment_token_issues_no_key_and_its_keys_stay_valid()
    {
        var agent = Samples.NewAgentId("db");
        var token = await CreateTokenAsync(Http, maxUses: 5);
        var key = (await EnrollAsync(Http, token.Token, agent)).Key;

        var deleted = await SendAsync(Http, HttpMethod.Delete, $"/api/v1/enrollment-tokens/{token.Id}", null, AdminToken);
        var enroll = await SendAsync(Http, HttpMethod.Post, "/api/v1/enroll", EnrollBody(token.Token, Samples.NewAgentId("db")), null);
        var report = await SendAsync(Http, HttpMethod.Post, "/api/v1/metrics", Sample(agent), key);

        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        await ApiClient.AssertProblemAsync(enroll, HttpStatusCode.Unauthorized, "not recognised");
        Assert.Equal(HttpStatusCode.OK, report.StatusCode);
    }

    [Theory]
    [InlineData("""{"max_uses": 1}""", "expires_at")]
    [InlineData("""{"expires_at": "2020-01-01T00:00:00Z", "max_uses": 1}""", "expires_at")]
    [InlineData("""{"expires_at": "2999-01-01T00:00:00Z", "max_uses": 1}""", "expires_at")]
    [InlineData("""{"expires_at": "{future}"}""", "max_uses")]
    [InlineData("""{"expires_at": "{future}", "max_uses": 0}""", "max_uses")]
    public async Task An_invalid_enrollment_token_request_is_400_naming_the_field_and_creates_nothing(string body, string field)
    {
        var tokensBefore = await (await SendAsync(Http, HttpMethod.Get, "/api/v1/enrollment-tokens", null, AdminToken)).Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

        var response = await SendAsync(Http, HttpMethod.Post, "/api/v1/enrollment-tokens", body.Replace("{future}", DateTimeOffset.UtcNow.AddDays(1).ToString("O"), StringComparison.Ordinal), AdminToken);

        var problem = await response.ReadJsonAsync();
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("nothing was created", problem.GetProperty("title").GetString(), StringComparison.Ordinal);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _));
        Assert.Equal(tokensBefore, await (await SendAsync(Http, HttpMethod.Get, "/api/v1/enrollment-tokens", null, AdminToken)).Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task A_revoked_key_is_refused_at_once_by_the_instance_that_revoked_it_and_stores_nothing()
    {
        var agent = Samples.NewAgentId("db");
        var enrolled = await EnrollAsync(Http, (await CreateTokenAsync(Http, maxUses: 1)).Token, agent);
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(Http, HttpMethod.Post, "/api/v1/metrics", Sample(agent, 60), enrolled.Key)).StatusCode);

        var revoked = await SendAsync(Http, HttpMethod.Delete, $"/api/v1/agent-keys/{enrolled.Prefix}", null, AdminToken);
        var refused = await SendAsync(Http, HttpMethod.Post, "/api/v1/metrics", Sample(agent, 30), enrolled.Key);

        Assert.Equal(HttpStatusCode.NoContent, revoked.StatusCode);
        await ApiClient.AssertProblemAsync(refused, HttpStatusCode.Unauthorized, "not recognised or was revoked");
        var audit = await (await SendAsync(Http, HttpMethod.Get, "/api/v1/audit?limit=1", null, AdminToken)).Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.Contains("\"RevokeAgentKey\"", audit, StringComparison.Ordinal);
        Assert.Contains($"\"{enrolled.Prefix}\"", audit, StringComparison.Ordinal);
        Assert.Contains("\"alice\"", audit, StringComparison.Ordinal);
        Assert.Equal(1, Api.HistoryRows(agent));
        Assert.DoesNotContain(enrolled.Prefix, await KeysAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Glob_agent_tokens_keep_working_beside_agent_keys_and_no_credential_is_refused()
    {
        var web = Samples.NewAgentId("web");
        var db = Samples.NewAgentId("db");
        await EnrollAsync(Http, (await CreateTokenAsync(Http, maxUses: 1)).Token, db);

        var glob = await SendAsync(Http, HttpMethod.Post, "/api/v1/metrics", Sample(web), GlobToken);
        var anonymous = await SendAsync(Http, HttpMethod.Post, "/api/v1/metrics", Sample(db), null);

        Assert.Equal(HttpStatusCode.OK, glob.StatusCode);
        await ApiClient.AssertProblemAsync(anonymous, HttpStatusCode.Unauthorized, "An agent token is required");
        Assert.Equal((1, 0), (Api.HistoryRows(web), Api.HistoryRows(db)));
    }

    [Fact]
    public async Task While_ingest_is_open_a_presented_key_is_still_checked()
    {
        await using var open = Topology.StartApi(new Dictionary<string, string> { ["AccessTokens:0:Token"] = AdminToken, ["AccessTokens:0:Role"] = "admin" });
        using var http = open.CreateClient();
        var agent = Samples.NewAgentId("db");
        var other = Samples.NewAgentId("db");
        var anonymousAgent = Samples.NewAgentId("db");
        var key = (await EnrollAsync(http, (await CreateTokenAsync(http, maxUses: 1)).Token, agent)).Key;
        var unknownKey = key[..^1] + (key[^1] == '0' ? '1' : '0');

        var anonymous = await SendAsync(http, HttpMethod.Post, "/api/v1/metrics", Sample(anonymousAgent), null);
        var foreign = await SendAsync(http, HttpMethod.Post, "/api/v1/metrics", Sample(other), key);
        var unknown = await SendAsync(http, HttpMethod.Post, "/api/v1/metrics", Sample(agent), unknownKey);

        Assert.Equal(HttpStatusCode.OK, anonymous.StatusCode);
        await ApiClient.AssertProblemAsync(foreign, HttpStatusCode.Forbidden, "may not report");
        await ApiClient.AssertProblemAsync(unknown, HttpStatusCode.Unauthorized, "not recognised or was revoked");
        Assert.Equal((1, 0, 0), (open.HistoryRows(anonymousAgent), open.HistoryRows(other), open.HistoryRows(agent)));
    }

    [Fact]
    public async Task With_AgentAuth_Required_and_no_token_configured_only_a_key_reports()
    {
        await using var keysOnly = Topology.StartApi(new Dictionary<string, string>
        {
            ["AgentAuth:Required"] = "true",
            ["AccessTokens:0:Token"] = AdminToken,
            ["AccessTokens:0:Role"] = "admin",
        });
        using var http = keysOnly.CreateClient();
        var agent = Samples.NewAgentId("db");
        var key = (await EnrollAsync(http, (await CreateTokenAsync(http, maxUses: 1)).Token, agent)).Key;

        var anonymous = await SendAsync(http, HttpMethod.Post, "/api/v1/metrics", Sample(agent, 30), null);
        var keyed = await SendAsync(http, HttpMethod.Post, "/api/v1/metrics", Sample(agent, 60), key);

        await ApiClient.AssertProblemAsync(anonymous, HttpStatusCode.Unauthorized, "An agent token is required");
        Assert.Equal(HttpStatusCode.OK, keyed.StatusCode);
        Assert.Equal(1, keysOnly.HistoryRows(agent));
    }

    protected static async Task<HttpResponseMessage> SendAsync(HttpClient http, HttpMethod method, string path, string? body, string? bearer)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }

        if (bearer is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }

        return await http.SendAsync(request, TestContext.Current.CancellationToken);
    }

    protected static async Task<(string Id, string Token)> CreateTokenAsync(HttpClient http, int maxUses)
    {
        var created = await SendAsync(http, HttpMethod.Post, "/api/v1/enrollment-tokens",
            $$"""{"expires_at": "{{DateTimeOffset.UtcNow.AddHours(1):O}}", "max_uses": {{maxUses}}}""", AdminToken);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var view = await created.ReadJsonAsync();
        return (view.GetProperty("id").GetString()!, view.GetProperty("token").GetString()!);
    }

    protected static async Task<EnrollResponse> EnrollAsync(HttpClient http, string token, string agentId)
    {
        var response = await SendAsync(http, HttpMethod.Post, "/api/v1/enroll", EnrollBody(token, agentId), null);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync(MonitoringJsonContext.Default.EnrollResponse, TestContext.Current.CancellationToken))!;
    }

    protected static string Sample(string agentId, int secondsAgo = 60) =>
        JsonSerializer.Serialize(Samples.Sample(agentId, Samples.RecentTime(secondsAgo)), MonitoringJsonContext.Default.MetricsReport);

    private static string EnrollBody(string token, string agentId) => $$"""{"enrollment_token": "{{token}}", "agent_id": "{{agentId}}"}""";

    private async Task<string> KeysAsync() =>
        await (await SendAsync(Http, HttpMethod.Get, "/api/v1/agent-keys", null, AdminToken)).Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
}

[Collection(ClusterCollection.Name)]
public sealed class AgentKeyTestsOnCluster(ClusterFixture fixture) : AgentKeyTests(fixture)
{
    /// <summary>Two API instances of one cluster: a key revoked through one is refused by the other within its refresh period.</summary>
    [Fact]
    public async Task A_key_revoked_on_one_instance_is_refused_by_another_within_the_refresh_period()
    {
        await using var other = Topology.StartApi(Settings);
        using var otherHttp = other.CreateClient();
        var agent = Samples.NewAgentId("db");
        var enrolled = await EnrollAsync(Http, (await CreateTokenAsync(Http, maxUses: 1)).Token, agent);
        await Alerts.Eventually.TrueAsync(
            async () => (await SendAsync(otherHttp, HttpMethod.Post, "/api/v1/metrics", Sample(agent, 90), enrolled.Key)).StatusCode == HttpStatusCode.OK,
            "the other instance knows the new key");

        var revoking = Stopwatch.StartNew();
        Assert.Equal(HttpStatusCode.NoContent, (await SendAsync(Http, HttpMethod.Delete, $"/api/v1/agent-keys/{enrolled.Prefix}", null, AdminToken)).StatusCode);
        // The same sample each time: ingest is idempotent, so the tries before the refusal store it once.
        var sample = Sample(agent, 80);
        await Alerts.Eventually.TrueAsync(
            async () => (await SendAsync(otherHttp, HttpMethod.Post, "/api/v1/metrics", sample, enrolled.Key)).StatusCode == HttpStatusCode.Unauthorized,
            "the other instance refuses the revoked key");

        Assert.InRange(revoking.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(KeyRefreshSeconds + 2));
    }
}

[Collection(AllInOneCollection.Name)]
public sealed class AgentKeyTestsOnAllInOne(AllInOneFixture fixture) : AgentKeyTests(fixture);
