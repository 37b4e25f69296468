using System.Net;
using System.Text;
using Monitoring.Tests.Cluster;

namespace Monitoring.Tests.Http;

/// <summary>
/// A page on another site cannot change state through the dashboard's actions: a browser sends cross-site only "simple"
/// requests (form or text/plain bodies) without asking first, and the API answers those 415 and changes nothing; every
/// other request needs a CORS preflight, which the API never grants.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class CrossSiteTests(ClusterFixture fixture)
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
        request.Headers.Add("Origin", "https://evil.example");

        var response = await _http.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _http.FetchAsync($"/api/v1/alert-rules/{id}")).StatusCode);
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
