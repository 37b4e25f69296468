using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Monitoring.Agent.Configuration;
using Monitoring.Agent.Telemetry;
using Monitoring.Contracts;

namespace Monitoring.Agent.Sending;

/// <summary>
/// One attempt to post samples: a single one to <c>/api/v1/metrics</c> or a backfill batch to <c>/api/v1/metrics/batch</c>.
/// Retrying is the sending service's job, so it can put the live sample ahead of a retry and pace the backlog.
/// </summary>
internal sealed class MetricsSender(HttpClient http, IOptions<AgentOptions> options, AgentCredential credential, ClockOffset clock, AgentTelemetry telemetry, TimeProvider time)
{
    private const int MaxProblemLength = 1024;
    private static readonly MediaTypeHeaderValue Json = new("application/json");

    private readonly Uri _endpoint = options.Value.MetricsEndpoint;
    private readonly Uri _batchEndpoint = options.Value.BatchEndpoint;
    private readonly TimeSpan _timeout = TimeSpan.FromSeconds(options.Value.RequestTimeout);

    public Task<SendOutcome> SendAsync(MetricsReport sample, CancellationToken cancellationToken) =>
        PostAsync(_endpoint, JsonSerializer.SerializeToUtf8Bytes(sample, MonitoringJsonContext.Default.MetricsReport), 1, sample.AgentId, cancellationToken);

    public Task<SendOutcome> SendBatchAsync(IReadOnlyList<MetricsReport> samples, CancellationToken cancellationToken) =>
        PostAsync(_batchEndpoint, JsonSerializer.SerializeToUtf8Bytes(samples, MonitoringJsonContext.Default.IReadOnlyListMetricsReport), samples.Count, samples[0].AgentId, cancellationToken);

    private async Task<SendOutcome> PostAsync(Uri endpoint, byte[] body, int count, string? agentId, CancellationToken cancellationToken)
    {
        using var activity = AgentTelemetry.ActivitySource.StartActivity(endpoint == _endpoint ? "send sample" : "send batch");
        activity?.SetTag("monitoring.agent.id", agentId);
        activity?.SetTag("monitoring.batch.size", count);
        using var timeout = new CancellationTokenSource(_timeout, time);
        using var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        var sentAt = time.GetUtcNow();
        try
        {
            using var content = new ByteArrayContent(body);
            content.Headers.ContentType = Json;
            using var request = new HttpRequestMessage(HttpMethod.Post, endpoint) { Content = content };
            request.Headers.Authorization = credential.Authorization;
            using var response = await http.SendAsync(request, attempt.Token);
            if (response.Headers.Date is { } serverDate)
            {
                clock.Observe(serverDate, sentAt, time.GetUtcNow());
            }

            var status = (int)response.StatusCode;
            activity?.SetTag("http.response.status_code", status);
            if (response.IsSuccessStatusCode)
            {
                telemetry.SamplesSent.Add(count);
                return new SendOutcome(SendResult.Accepted, status, "");
            }

            activity?.SetStatus(ActivityStatusCode.Error, $"HTTP {status}");
            var problem = await response.Content.ReadAsStringAsync(attempt.Token);
            return new SendOutcome(
                SendPolicy.IsRejection(response.StatusCode) ? SendResult.Rejected : SendResult.Failed,
                status,
                problem.Length > MaxProblemLength ? problem[..MaxProblemLength] : problem)
            {
                RetryAfter = response.Headers.RetryAfter switch
                {
                    { Delta: { } delta } => delta,
                    { Date: { } date } => date - time.GetUtcNow(),
                    _ => null,
                },
            };
        }
        catch (Exception ex) when (ex is HttpRequestException || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            activity?.SetStatus(ActivityStatusCode.Error, ex.GetType().Name);
            return new SendOutcome(SendResult.Failed, null, ex is HttpRequestException ? ex.Message : $"no answer within {_timeout}");
        }
    }
}

internal enum SendResult
{
    /// <summary>The server made the samples durable.</summary>
    Accepted,

    /// <summary>A 4xx other than 401, 403, 408 and 429: the content would fail the same way forever.</summary>
    Rejected,

    /// <summary>Network error, timeout, 5xx, 408, 429, or 401 and 403 (the agent's credentials, fixed by the operator): worth retrying.</summary>
    Failed,
}

/// <summary>How one attempt ended: the HTTP status when there was an answer, and the server's problem text or the failure.</summary>
internal sealed record SendOutcome(SendResult Result, int? StatusCode, string Detail)
{
    /// <summary>How long the server asked to be left alone (<c>Retry-After</c> of a 429 or 503).</summary>
    public TimeSpan? RetryAfter { get; init; }

    public string Failure => StatusCode is { } status ? $"HTTP {status}" : Detail;
}
