using System.Net;
using System.Net.Http.Headers;
using Monitoring.Tests.Cluster;

namespace Monitoring.Tests.Http;

/// <summary>
/// The dashboard's sign-in on the real API with access tokens: a token is exchanged once for an HttpOnly, SameSite=Strict
/// session cookie that acts with the token's role and name, a bad token gets no cookie, and signing out ends the session.
/// </summary>
public abstract class SessionTests(ApiTopology fixture) : OwnApiTests(fixture, Settings)
{
    private const string ReadToken = "read-token-0123456789abcdef";
    private const string AdminToken = "admin-token-0123456789abcdef";

    private static readonly Dictionary<string, string> Settings = new()
    {
        ["AccessTokens:0:Token"] = ReadToken,
        ["AccessTokens:0:Role"] = "read",
        ["AccessTokens:0:Name"] = "grafana",
        ["AccessTokens:1:Token"] = AdminToken,
        ["AccessTokens:1:Role"] = "admin",
        ["AccessTokens:1:Name"] = "alice",
    };

    [Fact]
    public async Task A_token_that_is_not_configured_is_refused_with_401_and_no_cookie()
    {
        using var browser = Browser(out var cookies);

        var response = await browser.PostRawAsync("/api/v1/session", $$"""{"token": "{{AdminToken}}X"}""");
        var empty = await browser.PostRawAsync("/api/v1/session", """{"token": ""}""");

        await ApiClient.AssertProblemAsync(response, HttpStatusCode.Unauthorized, "not recognised; you are not signed in");
        await ApiClient.AssertProblemAsync(empty, HttpStatusCode.BadRequest, "sign-in request is invalid");
        Assert.False(response.Headers.Contains("Set-Cookie"));
        Assert.Empty(cookies.GetAllCookies());
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.FetchAsync("/api/v1/agents")).StatusCode);
    }

    [Fact]
    public async Task A_good_token_sets_an_HttpOnly_SameSite_Strict_session_cookie()
    {
        using var browser = Browser(out var cookies);

        var response = await browser.PostRawAsync("/api/v1/session", $$"""{"token": "{{ReadToken}}"}""");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var session = await response.ReadJsonAsync();
        Assert.Equal(("grafana", "read"), (session.GetProperty("name").GetString(), session.GetProperty("role").GetString()));
        var setCookie = Assert.Single(response.Headers.GetValues("Set-Cookie"));
        Assert.StartsWith("monitoring_session=", setCookie, StringComparison.Ordinal);
        Assert.Contains("httponly", setCookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", setCookie, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(ReadToken, setCookie, StringComparison.Ordinal);
        Assert.Single(cookies.GetAllCookies());
    }

    [Fact]
    public async Task A_session_has_the_rights_of_its_tokens_role_and_acts_under_its_name()
    {
        var ct = TestContext.Current.CancellationToken;
        using var reader = Browser(out _);
        using var admin = Browser(out _);
        Assert.Equal(HttpStatusCode.OK, (await reader.PostRawAsync("/api/v1/session", $$"""{"token": "{{ReadToken}}"}""")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await admin.PostRawAsync("/api/v1/session", $$"""{"token": "{{AdminToken}}"}""")).StatusCode);
        var silence = $$"""{"matchers": {"agent_id": "{{Samples.NewAgentId()}}"}, "ends_at": "{{DateTimeOffset.UtcNow.AddHours(1):O}}", "created_by": "mallory"}""";

        var read = await reader.FetchAsync("/api/v1/agents");
        var refused = await reader.PostRawAsync("/api/v1/silences", silence);
        var created = await admin.PostRawAsync("/api/v1/silences", silence);
        var audit = await admin.FetchAsync("/api/v1/audit?limit=1");

        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        await ApiClient.AssertProblemAsync(refused, HttpStatusCode.Forbidden, "role may not do this");
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var body = await created.ReadJsonAsync();
        var id = body.GetProperty("id").GetString();
        Assert.Equal("alice", body.GetProperty("created_by").GetString());
        var entry = (await audit.ReadJsonAsync()).GetProperty("entries")[0];
        Assert.Equal(("alice", "CreateSilence", id), (entry.GetProperty("actor").GetString(), entry.GetProperty("operation").GetString(), entry.GetProperty("target").GetString()));
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/api/v1/silences/{id}", ct)).StatusCode);
    }

    [Fact]
    public async Task An_authorization_header_is_used_rather_than_the_session_cookie()
    {
        using var admin = Browser(out _);
        Assert.Equal(HttpStatusCode.OK, (await admin.PostRawAsync("/api/v1/session", $$"""{"token": "{{AdminToken}}"}""")).StatusCode);

        admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ReadToken);
        var audit = await admin.FetchAsync("/api/v1/audit");
        admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "unknown-token-0123456789abcdef");
        var agents = await admin.FetchAsync("/api/v1/agents");

        await ApiClient.AssertProblemAsync(audit, HttpStatusCode.Forbidden, "role may not do this");
        await ApiClient.AssertProblemAsync(agents, HttpStatusCode.Unauthorized, "not recognised");
    }

    [Fact]
    public async Task Signing_out_clears_the_cookie_and_ends_the_session()
    {
        var ct = TestContext.Current.CancellationToken;
        using var browser = Browser(out var cookies);
        Assert.Equal(HttpStatusCode.OK, (await browser.PostRawAsync("/api/v1/session", $$"""{"token": "{{ReadToken}}"}""")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await browser.FetchAsync("/api/v1/agents")).StatusCode);

        var signOut = await browser.DeleteAsync("/api/v1/session", ct);

        Assert.Equal(HttpStatusCode.NoContent, signOut.StatusCode);
        Assert.Contains(signOut.Headers.GetValues("Set-Cookie"), c => c.StartsWith("monitoring_session=;", StringComparison.Ordinal) && c.Contains("expires=Thu, 01 Jan 1970", StringComparison.OrdinalIgnoreCase));
        Assert.Empty(cookies.GetAllCookies());
        await ApiClient.AssertProblemAsync(await browser.FetchAsync("/api/v1/agents"), HttpStatusCode.Unauthorized, "token is required");
    }

    [Fact]
    public async Task The_live_feed_asked_for_by_a_browser_without_a_session_is_refused_with_401()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/live");
        request.Headers.Accept.ParseAdd("text/event-stream");

        var response = await Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, TestContext.Current.CancellationToken);

        await ApiClient.AssertProblemAsync(response, HttpStatusCode.Unauthorized, "token is required");
    }

    /// <summary>A client that keeps cookies as a browser does, on the API's own address.</summary>
    private HttpClient Browser(out CookieContainer cookies)
    {
        cookies = new CookieContainer();
        return new HttpClient(new HttpClientHandler { CookieContainer = cookies, UseCookies = true }) { BaseAddress = Http.BaseAddress };
    }
}

[Collection(ClusterCollection.Name)]
public sealed class SessionTestsOnCluster(ClusterFixture fixture) : SessionTests(fixture);

[Collection(AllInOneCollection.Name)]
public sealed class SessionTestsOnAllInOne(AllInOneFixture fixture) : SessionTests(fixture);

/// <summary>With <c>AllowedHosts</c> set (DNS rebinding), a request naming another host never reaches a handler.</summary>
public abstract class AllowedHostsTests(ApiTopology fixture) : OwnApiTests(fixture, new Dictionary<string, string> { ["AllowedHosts"] = "monitoring.example" })
{
    [Fact]
    public async Task A_request_with_a_foreign_host_header_gets_400_and_one_with_an_allowed_host_is_served()
    {
        var ct = TestContext.Current.CancellationToken;
        using var foreign = new HttpRequestMessage(HttpMethod.Get, "/api/v1/access");
        foreign.Headers.Host = "attacker.example";
        using var allowed = new HttpRequestMessage(HttpMethod.Get, "/api/v1/access");
        allowed.Headers.Host = "monitoring.example";

        var refused = await Http.SendAsync(foreign, ct);
        var served = await Http.SendAsync(allowed, ct);
        var unnamed = await Http.FetchAsync("/api/v1/access");

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Equal(HttpStatusCode.OK, served.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, unnamed.StatusCode);
    }
}

[Collection(ClusterCollection.Name)]
public sealed class AllowedHostsTestsOnCluster(ClusterFixture fixture) : AllowedHostsTests(fixture);

[Collection(AllInOneCollection.Name)]
public sealed class AllowedHostsTestsOnAllInOne(AllInOneFixture fixture) : AllowedHostsTests(fixture);
