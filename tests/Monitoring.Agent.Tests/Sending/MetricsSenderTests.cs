using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Monitoring.Agent.Sending;
using Monitoring.Agent.Telemetry;
using Monitoring.Contracts;

namespace Monitoring.Agent.Tests.Sending;

public sealed class MetricsSenderTests : IDisposable
{
    private readonly TempDirectory _spool = new();

    private static readonly MetricsReport Sample = new()
    {
        AgentId = "agent-under-test",
        AgentName = "Agent under test",
        Timestamp = new DateTimeOffset(2025, 3, 4, 5, 6, 7, TimeSpan.Zero),
        IntervalSeconds = 60,
        System = new SystemMetrics
        {
            CpuPercent = 12.5,
            Memory = new MemoryMetrics { Total = 1000, Available = 600, Used = 400, Percent = 40 },
            Disk = new DiskMetrics { Total = 2000, Used = 500, Free = 1500, Percent = 25 },
        },
        Network = [],
    };

    public void Dispose() => _spool.Dispose();

    [Fact]
    public async Task Accepted_sample_is_posted_once_as_json_and_counted_as_sent()
    {
        await using var server = LoopbackIngestServer.Start();
        await using var services = SenderTestHost.Build(server.BaseAddress, _spool.Path);
        using var sent = Collect(services, "monitoring.agent.samples.sent");

        var outcome = await services.GetRequiredService<MetricsSender>().SendAsync(Sample, TestContext.Current.CancellationToken);

        Assert.Equal(SendResult.Accepted, outcome.Result);
        var request = Assert.Single(server.Requests);
        Assert.Equal("POST", request.Method);
        Assert.Equal("/api/v1/metrics", request.Path);
        Assert.Equal("application/json", request.ContentType);
        Assert.Equal(Sample, JsonSerializer.Deserialize(request.Body, MonitoringJsonContext.Default.MetricsReport)! with { Network = Sample.Network });
        Assert.Equal(1, sent.GetMeasurementSnapshot().EvaluateAsCounter());
    }

    [Fact]
    public async Task Batch_is_posted_once_to_the_batch_endpoint_as_a_json_array_in_the_given_order()
    {
        await using var server = LoopbackIngestServer.Start();
        await using var services = SenderTestHost.Build(server.BaseAddress, _spool.Path);
        using var sent = Collect(services, "monitoring.agent.samples.sent");
        MetricsReport[] batch = [Sample, Sample with { Timestamp = Sample.Timestamp!.Value.AddMinutes(1) }];

        var outcome = await services.GetRequiredService<MetricsSender>().SendBatchAsync(batch, TestContext.Current.CancellationToken);

        Assert.Equal(SendResult.Accepted, outcome.Result);
        var request = Assert.Single(server.Requests);
        Assert.Equal("/api/v1/metrics/batch", request.Path);
        var posted = JsonSerializer.Deserialize(request.Body, MonitoringJsonContext.Default.MetricsReportArray)!;
        Assert.Equal(batch.Select(sample => sample.Timestamp), posted.Select(sample => sample.Timestamp));
        Assert.Equal(2, sent.GetMeasurementSnapshot().EvaluateAsCounter());
    }

    [Theory]
    [InlineData(HttpStatusCode.BadRequest)]
    [InlineData(HttpStatusCode.RequestEntityTooLarge)]
    [InlineData(HttpStatusCode.UnprocessableEntity)]
    public async Task Client_error_is_a_rejection_with_the_servers_problem_text(HttpStatusCode failure)
    {
        await using var server = LoopbackIngestServer.Start(failure);
        await using var services = SenderTestHost.Build(server.BaseAddress, _spool.Path);

        var outcome = await services.GetRequiredService<MetricsSender>().SendAsync(Sample, TestContext.Current.CancellationToken);

        Assert.Equal(SendResult.Rejected, outcome.Result);
        Assert.Equal((int)failure, outcome.StatusCode);
        Assert.Contains("cpu_percent", outcome.Detail, StringComparison.Ordinal);
        Assert.Single(server.Requests);
    }

    [Theory]
    [InlineData(HttpStatusCode.RequestTimeout)]
    [InlineData(HttpStatusCode.TooManyRequests)]
    [InlineData(HttpStatusCode.InternalServerError)]
    [InlineData(HttpStatusCode.ServiceUnavailable)]
    [InlineData(HttpStatusCode.Unauthorized)]
    [InlineData(HttpStatusCode.Forbidden)]
    public async Task Server_throttling_and_refused_token_errors_are_failures_worth_retrying_not_rejections(HttpStatusCode failure)
    {
        await using var server = LoopbackIngestServer.Start(failure);
        await using var services = SenderTestHost.Build(server.BaseAddress, _spool.Path);

        var outcome = await services.GetRequiredService<MetricsSender>().SendAsync(Sample, TestContext.Current.CancellationToken);

        Assert.Equal(SendResult.Failed, outcome.Result);
        Assert.Equal($"HTTP {(int)failure}", outcome.Failure);
        Assert.Equal((int)failure, outcome.StatusCode);
        Assert.Single(server.Requests);
    }

    [Fact]
    public async Task With_an_agent_token_the_single_and_the_batch_post_carry_it_as_a_bearer_token()
    {
        await using var server = LoopbackIngestServer.Start();
        await using var services = SenderTestHost.Build(server.BaseAddress, _spool.Path, settings: new() { ["Agent:AGENT_TOKEN"] = "s3cr3t.Token-_~+/=" });
        var sender = services.GetRequiredService<MetricsSender>();

        await sender.SendAsync(Sample, TestContext.Current.CancellationToken);
        await sender.SendBatchAsync([Sample], TestContext.Current.CancellationToken);

        Assert.Equal(["/api/v1/metrics", "/api/v1/metrics/batch"], server.Requests.Select(request => request.Path));
        Assert.All(server.Requests, request => Assert.Equal("Bearer s3cr3t.Token-_~+/=", request.Authorization));
    }

    [Fact]
    public async Task Without_an_agent_token_no_authorization_header_is_sent()
    {
        await using var server = LoopbackIngestServer.Start();
        await using var services = SenderTestHost.Build(server.BaseAddress, _spool.Path);
        var sender = services.GetRequiredService<MetricsSender>();

        await sender.SendAsync(Sample, TestContext.Current.CancellationToken);
        await sender.SendBatchAsync([Sample], TestContext.Current.CancellationToken);

        Assert.Equal(2, server.Requests.Count);
        Assert.All(server.Requests, request => Assert.Null(request.Authorization));
    }

    [Fact]
    public async Task A_server_that_is_not_listening_is_a_failure_worth_retrying()
    {
        Uri gone;
        await using (var server = LoopbackIngestServer.Start())
        {
            gone = server.BaseAddress;
        }

        await using var services = SenderTestHost.Build(gone, _spool.Path);

        var outcome = await services.GetRequiredService<MetricsSender>().SendAsync(Sample, TestContext.Current.CancellationToken);

        Assert.Equal(SendResult.Failed, outcome.Result);
        Assert.Null(outcome.StatusCode);
    }

    [Fact]
    public async Task A_server_that_never_answers_is_a_failure_after_the_request_timeout()
    {
        await using var server = LoopbackIngestServer.StartStalled();
        await using var services = SenderTestHost.Build(server.BaseAddress, _spool.Path, settings: new() { ["Agent:REQUEST_TIMEOUT"] = "0.2" });

        var outcome = await services.GetRequiredService<MetricsSender>().SendAsync(Sample, TestContext.Current.CancellationToken);

        Assert.Equal(SendResult.Failed, outcome.Result);
        Assert.Contains("no answer within", outcome.Failure, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_servers_date_header_gives_the_clock_offset()
    {
        await using var server = LoopbackIngestServer.Start();
        server.ClockSkew = TimeSpan.FromHours(1);
        await using var services = SenderTestHost.Build(server.BaseAddress, _spool.Path);

        for (var i = 0; i < 5; i++)
        {
            await services.GetRequiredService<MetricsSender>().SendAsync(Sample, TestContext.Current.CancellationToken);
        }

        // The header has a one-second resolution.
        Assert.InRange(services.GetRequiredService<ClockOffset>().Milliseconds!.Value, 3_600_000 - 1_500, 3_600_000 + 1_500);
    }

    [Fact]
    public async Task The_post_carries_the_send_span_as_w3c_traceparent()
    {
        var sendSpans = new List<ActivityTraceId>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == AgentTelemetry.Name,
            Sample = (ref _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStarted = activity =>
            {
                lock (sendSpans)
                {
                    sendSpans.Add(activity.TraceId);
                }
            },
        };
        ActivitySource.AddActivityListener(listener);
        await using var server = LoopbackIngestServer.Start();
        await using var services = SenderTestHost.Build(server.BaseAddress, _spool.Path);

        await services.GetRequiredService<MetricsSender>().SendAsync(Sample, TestContext.Current.CancellationToken);

        var traceparent = Assert.Single(server.Requests).TraceParent;
        Assert.NotNull(traceparent);
        var traceId = ActivityTraceId.CreateFromString(traceparent.Split('-')[1]);
        lock (sendSpans)
        {
            Assert.Contains(traceId, sendSpans);
        }
    }

    private static MetricCollector<long> Collect(IServiceProvider services, string instrument) =>
        new(services.GetRequiredService<IMeterFactory>(), AgentTelemetry.Name, instrument);
}
