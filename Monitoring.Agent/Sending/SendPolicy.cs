using System.Net;

namespace Monitoring.Agent.Sending;

/// <summary>Which answers end a send for good; everything else that is not 2xx is retried.</summary>
internal static class SendPolicy
{
    /// <summary>A client error other than 408, 429, 401 and 403: the sample is malformed and would fail the same way forever.</summary>
    public static bool IsRejection(HttpStatusCode status) =>
        (int)status is >= 400 and < 500
        && status is not (HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests)
        && !IsCredentialsRefusal((int)status);

    /// <summary>401 or 403: the API refused the agent's token, not the sample, so the sample waits until the operator fixes AGENT_TOKEN.</summary>
    public static bool IsCredentialsRefusal(int status) =>
        status is (int)HttpStatusCode.Unauthorized or (int)HttpStatusCode.Forbidden;
}
