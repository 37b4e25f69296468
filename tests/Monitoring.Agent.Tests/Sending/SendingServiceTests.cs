using System.Diagnostics.Metrics;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;
using Monitoring.Agent.Collectors;
using Monitoring.Agent.Sending;
using Monitoring.Agent.Telemetry;
using Monitoring.Contracts;

namespace Monitoring.Agent.Tests.Sending;

public sealed class SendingServiceTests : IDisposable
{
    // Recent, so the spool's age limit keeps the samples.
    private static readonly DateTimeOffset Start = TimeProvider.System.GetUtcNow();

    private readonly TempDirectory _spool = new();

    public void Dispose() => _spool.Dispose();

    [Fact]
    public async Task Queued_sample_is_delivered_once_through_two_503_answers_and_leaves_the_queue()
    {
        await using var server = LoopbackIngestServer.Start(HttpStatusCode.ServiceUnavailable, HttpStatusCode.ServiceUnavailable);
        await using var services = SenderTestHost.Build(server.BaseAddress, _spool.Path);
        var queue = services.GetRequiredService<ISampleQueue>();
        queue.Enqueue(new MetricsReport { AgentId = "agent-under-test", Timestamp = Start });

        await RunHostedServicesAsync(services, () => Eventually.TrueAsync(() => server.Accepted == 1 && Acknowledged(queue), "the server accepted the sample and the spool let it go"));

        Assert.Equal(3, server.Requests.Count);
        Assert.Equal(1, server.Accepted);
        Assert.Equal(0, queue.Count);
    }

    [Fact]
    public async Task Rejected_sample_is_dropped_and_the_next_one_is_sent()
    {
        await using var server = LoopbackIngestServer.Start(HttpStatusCode.BadRequest);
        await using var services = SenderTestHost.Build(server.BaseAddress, _spool.Path);
        var queue = services.GetRequiredService<ISampleQueue>();
        queue.Enqueue(new MetricsReport { AgentId = "agent-under-test", Timestamp = Start });
        queue.Enqueue(new MetricsReport { AgentId = "agent-under-test", Timestamp = Start.AddMinutes(1) });

        await RunHostedServicesAsync(services, () => Eventually.TrueAsync(() => server.Accepted == 1 && Acknowledged(queue), "the server accepted a sample and the spool let both go"));

        Assert.Equal([HttpStatusCode.BadRequest, HttpStatusCode.OK], server.Requests.Select(r => r.AnsweredWith));
        Assert.Equal(0, queue.Count);
    }

    [Fact]
    public async Task Collection_keeps_its_schedule_while_the_server_stalls()
    {
        var time = new FakeTimeProvider(Start);
        await using var server = LoopbackIngestServer.StartStalled();
        await using var services = SenderTestHost.Build(
            server.BaseAddress,
            _spool.Path,
            before: registrations => registrations
                .AddSingleton<TimeProvider>(time)
                .AddSingleton(Fixture.Sources)
                .AddCollectors(),
            settings: new() { ["Agent:REQUEST_TIMEOUT"] = "600" });
        using var collected = new MetricCollector<long>(services.GetRequiredService<IMeterFactory>(), AgentTelemetry.Name, "monitoring.agent.samples.collected");
        var queue = services.GetRequiredService<ISampleQueue>();

        await RunHostedServicesAsync(services, async () =>
        {
            // ExecuteAsync starts on another thread, so nudge the clock until the first CPU window has been waited out.
            await Eventually.TrueAsync(
                () => server.Requests.Count == 1,
                "the first sample reached the stalled server",
                () => time.Advance(SystemCollector.FirstCpuWindow / 5));
            // Whatever the phase of the timer, every 60 s step crosses exactly one tick.
            for (var tick = 1; tick <= 3; tick++)
            {
                time.Advance(TimeSpan.FromSeconds(60));
                await Eventually.TrueAsync(() => collected.GetMeasurementSnapshot().EvaluateAsCounter() == 1 + tick, $"sample {1 + tick} was collected");
            }

            Assert.Single(server.Requests);
            Assert.Equal(3, queue.Count);
        });
    }

    // Stopping before the sender acknowledged would rightly keep the sample spooled for the next start.
    private static bool Acknowledged(ISampleQueue queue) => ((DiskSpool)queue).PendingBytes == 0;

    private static async Task RunHostedServicesAsync(IServiceProvider services, Func<Task> whileRunning)
    {
        var hosted = services.GetServices<IHostedService>().ToList();
        foreach (var service in hosted)
        {
            await service.StartAsync(TestContext.Current.CancellationToken);
        }

        try
        {
            await whileRunning();
        }
        finally
        {
            foreach (var service in hosted)
            {
                await service.StopAsync(CancellationToken.None);
            }
        }
    }
}
