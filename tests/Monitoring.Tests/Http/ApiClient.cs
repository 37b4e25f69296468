using System.Net.Http.Json;
using System.Text.Json;
using Monitoring.Contracts;

namespace Monitoring.Tests.Http;

/// <summary>Wire-format helpers: bodies go out and come back through the same source-generated JSON the agent uses.</summary>
public static class ApiClient
{
    public static Task<HttpResponseMessage> PostSampleAsync(this HttpClient http, MetricsReport sample) =>
        http.PostAsJsonAsync("/api/v1/metrics", sample, MonitoringJsonContext.Default.MetricsReport, TestContext.Current.CancellationToken);

    public static Task<HttpResponseMessage> PostBatchAsync(this HttpClient http, MetricsReport[] samples) =>
        http.PostAsJsonAsync("/api/v1/metrics/batch", samples, MonitoringJsonContext.Default.MetricsReportArray, TestContext.Current.CancellationToken);

    public static Task<HttpResponseMessage> PostRawAsync(this HttpClient http, string path, string body, string contentType = "application/json") =>
        http.PostAsync(path, new StringContent(body, System.Text.Encoding.UTF8, contentType), TestContext.Current.CancellationToken);

    public static async Task<T> ReadAsync<T>(this HttpResponseMessage response, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type) =>
        (await response.Content.ReadFromJsonAsync(type, TestContext.Current.CancellationToken))!;

    public static async Task<JsonElement> ReadJsonAsync(this HttpResponseMessage response) =>
        await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);

    public static Task<HttpResponseMessage> FetchAsync(this HttpClient http, string path) =>
        http.GetAsync(new Uri(path, UriKind.Relative), TestContext.Current.CancellationToken);

    /// <summary>Asserts an RFC 7807 answer with <paramref name="status"/> whose title contains <paramref name="title"/>.</summary>
    public static async Task AssertProblemAsync(HttpResponseMessage response, System.Net.HttpStatusCode status, string title)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.ReadJsonAsync();
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        Assert.Contains(title, problem.GetProperty("title").GetString(), StringComparison.Ordinal);
    }
}
