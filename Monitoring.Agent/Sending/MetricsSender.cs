using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Monitoring.Agent.Configuration;
using Monitoring.Agent.Telemetry;
using Monitoring.Contracts;

namespace Monitoring.Agent.Sending;

/// <summary>Posts one sample to the ingest endpoint; the HTTP client's resilience pipeline retries transient failures.</summary>
internal sealed class MetricsSender(HttpClient http, IOptions<AgentOptions> options, AgentTelemetry telemetry, ILogger<MetricsSender> logger)
{
    private static readonly MediaTypeHeaderValue Json = new("application/json");

    private readonly Uri _endpoint = options.Value.MetricsEndpoint;

    /// <summary>True once the server acknowledged the sample; false when it rejected it for good (the rejection is logged and counted).</summary>
    public async Task<bool> SendAsync(MetricsReport sample, CancellationToken cancellationToken)
    {
        using var activity = AgentTelemetry.ActivitySource.StartActivity("send sample");
        activity?.SetTag("monitoring.agent.id", sample.AgentId);

        using var content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(sample, MonitoringJsonContext.Default.MetricsReport));
        content.Headers.ContentType = Json;
        using var request = new HttpRequestMessage(HttpMethod.Post, _endpoint) { Content = content };
        using var response = await http.SendAsync(request, cancellationToken);
        activity?.SetTag("http.response.status_code", (int)response.StatusCode);

        if (response.IsSuccessStatusCode)
        {
            telemetry.SamplesSent.Add(1);
            Log.SampleSent(logger, sample.Timestamp);
            return true;
        }

        var problem = await response.Content.ReadAsStringAsync(cancellationToken);
        activity?.SetStatus(ActivityStatusCode.Error, "rejected");
        telemetry.SamplesRejected.Add(1, new KeyValuePair<string, object?>("http.response.status_code", (int)response.StatusCode));
        Log.SampleRejected(logger, sample.Timestamp, response.StatusCode, problem.Length > 1024 ? problem[..1024] : problem);
        return false;
    }
}
