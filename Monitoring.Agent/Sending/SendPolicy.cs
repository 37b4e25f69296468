using System.Net;
using Polly;
using Polly.Timeout;

namespace Monitoring.Agent.Sending;

/// <summary>Which answers end a send and which are retried.</summary>
internal static class SendPolicy
{
    /// <summary>A client error other than 408 and 429: the sample is malformed and would fail the same way forever.</summary>
    public static bool IsRejection(HttpStatusCode status) =>
        (int)status is >= 400 and < 500 && status is not (HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests);

    /// <summary>Retry network failures, attempt timeouts and every answer that is neither 2xx nor a rejection.</summary>
    public static bool ShouldRetry(Outcome<HttpResponseMessage> outcome) => outcome switch
    {
        { Exception: HttpRequestException or TimeoutRejectedException } => true,
        { Result: { } response } => !response.IsSuccessStatusCode && !IsRejection(response.StatusCode),
        _ => false,
    };

    public static string Describe(Outcome<HttpResponseMessage> outcome) =>
        outcome.Result is { } response ? $"HTTP {(int)response.StatusCode}" : outcome.Exception?.GetType().Name ?? "unknown";
}
