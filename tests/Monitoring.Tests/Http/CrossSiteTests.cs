using System.Net;
using System.Text;
using Monitoring.Tests.Cluster;

namespace Monitoring.Tests.Http;

/// <summary>
/// A page on another site cannot change state through the dashboard's actions: a state-changing request a browser marks
/// as cross-site (Fetch Metadata, or an Origin that is not this host) is refused 403; without those headers a "simple"
/// request (form or text/plain body) is refused 415; every other request needs a CORS preflight, never granted.
/// </summary>
public abstract class CrossSiteTests(ApiTopology fixture)
{
    private readonly HttpClient _http = fixture.CreateClient();

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/x-www-form-urlencoded")]
    [InlineData("multipart/form-data")]
    public async Task A_simple_cross_site_request_with_a_valid_rule_is_refused_and_creates_nothing(string contentType)
    {
        var id = $"xsite-{Guid.NewGuid():N}"[..20];
        var rule = $$"""{"id": "{{id}}", "name": "x", "metric": "cpu_percent", "comparator": ">", "threshold": 1}""";
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/alert-rules")
        {
            Content = new StringContent(rule, Encoding.UTF8),
        };
        request.Content.Headers.ContentType = new(contentType);

        var response = await _http.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _http.FetchAsync($"/api/v1/alert-rules/{id}")).StatusCode);
    }

    [Theory]
    [InlineData("Sec-Fetch-Site", "cross-site", HttpStatusCode.Forbidden)]
    [InlineData("Sec-Fetch-Site", "same-site", HttpStatusCode.Forbidden)]
    [InlineData("Origin", "https://evil.example", HttpStatusCode.Forbidden)]
    [InlineData("Origin", "null", HttpStatusCode.Forbidden)]
    [InlineData("Sec-Fetch-Site", "same-origin", HttpStatusCode.Created)]
    [InlineData("Sec-Fetch-Site", "none", HttpStatusCode.Created)]
    public async Task A_json_request_a_browser_marks_cross_site_is_refused_and_creates_nothing(string header, string value, HttpStatusCode expected)
    {
        var id = $"xsite-{Guid.NewGuid():N}"[..20];
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/alert-rules")
        {
            Content = new StringContent($$"""{"id": "{{id}}", "name": "x", "metric": "cpu_percent", "comparator": ">", "threshold": 1}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.TryAddWithoutValidation(header, value);

        var response = await _http.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(expected, response.StatusCode);
        var stored = (await _http.FetchAsync($"/api/v1/alert-rules/{id}")).StatusCode;
        Assert.Equal(expected == HttpStatusCode.Created ? HttpStatusCode.OK : HttpStatusCode.NotFound, stored);
        if (expected == HttpStatusCode.Forbidden)
        {
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }
        else
        {
            await _http.DeleteAsync($"/api/v1/alert-rules/{id}", TestContext.Current.CancellationToken);
        }
    }

    [Fact]
    public async Task A_request_from_the_dashboard_own_origin_is_accepted()
    {
        var id = $"xsite-{Guid.NewGuid():N}"[..20];
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/alert-rules")
        {
            Content = new StringContent($$"""{"id": "{{id}}", "name": "x", "metric": "cpu_percent", "comparator": ">", "threshold": 1}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("Origin", $"{_http.BaseAddress!.Scheme}://{_http.BaseAddress.Authority}");

        var response = await _http.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        await _http.DeleteAsync($"/api/v1/alert-rules/{id}", TestContext.Current.CancellationToken);
    }

    [Theory]
    [InlineData("POST", "/api/v1/alerts/any/ack")]
    [InlineData("POST", "/api/v1/silences")]
    [InlineData("DELETE", "/api/v1/silences/any")]
    [InlineData("DELETE", "/api/v1/alert-rules/cpu_high")]
    public async Task A_cross_site_preflight_is_never_granted(string method, string path)
    {
        using var preflight = new HttpRequestMessage(HttpMethod.Options, path);
        preflight.Headers.Add("Origin", "https://evil.example");
        preflight.Headers.Add("Access-Control-Request-Method", method);
        preflight.Headers.Add("Access-Control-Request-Headers", "content-type");

        var response = await _http.SendAsync(preflight, TestContext.Current.CancellationToken);

        Assert.False(response.Headers.Contains("Access-Control-Allow-Origin"));
        Assert.False(response.IsSuccessStatusCode && response.Headers.Contains("Access-Control-Allow-Methods"));
    }
}

[Collection(ClusterCollection.Name)]
public sealed class CrossSiteTestsOnCluster(ClusterFixture fixture) : CrossSiteTests(fixture);

[Collection(AllInOneCollection.Name)]
public sealed class CrossSiteTestsOnAllInOne(AllInOneFixture fixture) : CrossSiteTests(fixture);
