using System.Net;

namespace Monitoring.Agent.Sending;

/// <summary>Which answers end a send for good; everything else that is not 2xx is retried.</summary>
internal static class SendPolicy
{
    /// <summary>A client error other than 408 and 429: the sample is malformed and would fail the same way forever.</summary>
    public static bool IsRejection(HttpStatusCode status) =>
        (int)status is >= 400 and < 500 && status is not (HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests);
}
