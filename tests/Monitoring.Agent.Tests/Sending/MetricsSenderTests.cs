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
    public async Task Sample_arrives_once_after_the_server_fails_twice_with_503()
    {
        await using var server = LoopbackIngestServer.Start(HttpStatusCode.ServiceUnavailable, HttpStatusCode.ServiceUnavailable);
        await using var services = SenderTestHost.Build(server.BaseAddress, _spool.Path);
        using var sent = Collect(services, "monitoring.agent.samples.sent");

        var accepted = await services.GetRequiredService<MetricsSender>().SendAsync(Sample, TestContext.Current.CancellationToken);

        Assert.True(accepted);
        Assert.Equal([HttpStatusCode.ServiceUnavailable, HttpStatusCode.ServiceUnavailable, HttpStatusCode.OK], server.Requests.Select(r => r.AnsweredWith));
        Assert.Equal(1, server.Accepted);
        Assert.All(server.Requests, request =>
        {
            Assert.Equal("POST", request.Method);
            Assert.Equal("/api/v1/metrics", request.Path);
            Assert.Equal("application/json", request.ContentType);
            Assert.Equal(Sample, JsonSerializer.Deserialize(request.Body, MonitoringJsonContext.Default.MetricsReport)! with { Network = Sample.Network });
        });
        Assert.Equal(1, sent.GetMeasurementSnapshot().EvaluateAsCounter());
    }

    [Fact]
    public async Task Client_error_is_not_retried_and_is_counted_as_a_rejection()
    {
        await using var server = LoopbackIngestServer.Start(HttpStatusCode.BadRequest, HttpStatusCode.BadRequest);
        await using var services = SenderTestHost.Build(server.BaseAddress, _spool.Path);
        using var rejected = Collect(services, "monitoring.agent.samples.rejected");

        var accepted = await services.GetRequiredService<MetricsSender>().SendAsync(Sample, TestContext.Current.CancellationToken);

        Assert.False(accepted);
        Assert.Single(server.Requests);
        var rejection = Assert.Single(rejected.GetMeasurementSnapshot());
        Assert.Equal(400, rejection.Tags["http.response.status_code"]);
    }

    [Theory]
    [InlineData(HttpStatusCode.RequestTimeout)]
    [InlineData(HttpStatusCode.TooManyRequests)]
    [InlineData(HttpStatusCode.InternalServerError)]
    [InlineData(HttpStatusCode.BadGateway)]
    public async Task Server_and_throttling_errors_are_retried(HttpStatusCode failure)
    {
        await using var server = LoopbackIngestServer.Start(failure);
        await using var services = SenderTestHost.Build(server.BaseAddress, _spool.Path);

        var accepted = await services.GetRequiredService<MetricsSender>().SendAsync(Sample, TestContext.Current.CancellationToken);

        Assert.True(accepted);
        Assert.Equal([failure, HttpStatusCode.OK], server.Requests.Select(r => r.AnsweredWith));
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
