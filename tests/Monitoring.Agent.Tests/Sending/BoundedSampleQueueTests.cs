using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Monitoring.Agent.Sending;
using Monitoring.Agent.Telemetry;
using Monitoring.Contracts;

namespace Monitoring.Agent.Tests.Sending;

public sealed class BoundedSampleQueueTests : IDisposable
{
    private static readonly DateTimeOffset Start = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly AgentTelemetry _telemetry;
    private readonly MetricCollector<long> _dropped;

    public BoundedSampleQueueTests()
    {
        var meterFactory = _services.GetRequiredService<IMeterFactory>();
        _telemetry = new AgentTelemetry(meterFactory);
        _dropped = new MetricCollector<long>(meterFactory, AgentTelemetry.Name, "monitoring.agent.samples.dropped");
    }

    public void Dispose()
    {
        _dropped.Dispose();
        _services.Dispose();
    }

    [Fact]
    public void Live_sample_is_sent_first_then_the_backlog_oldest_first()
    {
        var queue = CreateQueue(10);
        queue.Enqueue(Sample(0));
        queue.Enqueue(Sample(1));
        queue.Enqueue(Sample(2));
        queue.Enqueue(Sample(3));

        Assert.Equal([3, 0, 1, 2], DrainMinutes(queue));
    }

    [Fact]
    public void A_sample_collected_while_the_backlog_drains_jumps_ahead_of_it()
    {
        var queue = CreateQueue(10);
        queue.Enqueue(Sample(0));
        queue.Enqueue(Sample(1));
        queue.Enqueue(Sample(2));
        Assert.True(queue.TryDequeue(out var live));
        Assert.True(queue.TryDequeue(out var oldest));

        queue.Enqueue(Sample(3));

        Assert.Equal([2, 0], new[] { live, oldest }.Select(Minute));
        Assert.Equal([3, 1], DrainMinutes(queue));
    }

    [Fact]
    public void A_requeued_sample_goes_back_in_timestamp_order()
    {
        var queue = CreateQueue(10);
        queue.Enqueue(Sample(0));
        queue.Enqueue(Sample(1));
        queue.Enqueue(Sample(2));
        queue.Enqueue(Sample(3));
        Assert.True(queue.TryDequeue(out var live));

        queue.Requeue(live);
        queue.Requeue(Sample(-1));

        Assert.Equal([-1, 0, 1, 2, 3], DrainMinutes(queue));
    }

    [Fact]
    public void Full_queue_drops_the_oldest_sample_and_counts_every_drop()
    {
        var queue = CreateQueue(3);
        for (var minute = 0; minute < 5; minute++)
        {
            queue.Enqueue(Sample(minute));
        }

        Assert.Equal(3, queue.Count);
        Assert.Equal([4, 2, 3], DrainMinutes(queue));
        Assert.Equal(2, _dropped.GetMeasurementSnapshot().EvaluateAsCounter());
        Assert.All(_dropped.GetMeasurementSnapshot(), measurement => Assert.Equal("queue_full", measurement.Tags["reason"]));
    }

    [Fact]
    public void Requeue_into_a_full_queue_drops_the_oldest_even_if_that_is_the_requeued_sample()
    {
        var queue = CreateQueue(2);
        queue.Enqueue(Sample(5));
        queue.Enqueue(Sample(6));

        queue.Requeue(Sample(1));

        Assert.Equal([6, 5], DrainMinutes(queue));
        Assert.Equal(1, _dropped.GetMeasurementSnapshot().EvaluateAsCounter());
    }

    [Fact]
    public void A_queue_of_one_keeps_only_the_newest_sample()
    {
        var queue = CreateQueue(1);
        queue.Enqueue(Sample(0));
        queue.Enqueue(Sample(1));

        Assert.Equal([1], DrainMinutes(queue));
        Assert.Equal(1, _dropped.GetMeasurementSnapshot().EvaluateAsCounter());
    }

    [Fact]
    public async Task Waiting_completes_when_a_sample_arrives()
    {
        var queue = CreateQueue(10);
        var waiting = queue.WaitAsync(TestContext.Current.CancellationToken).AsTask();
        await Task.Delay(20, TestContext.Current.CancellationToken);
        Assert.False(waiting.IsCompleted);

        queue.Enqueue(Sample(0));

        await waiting.WaitAsync(TimeSpan.FromSeconds(5), TestContext.Current.CancellationToken);
    }

    private BoundedSampleQueue CreateQueue(int capacity) => new(capacity, _telemetry, NullLogger<BoundedSampleQueue>.Instance);

    private static MetricsReport Sample(int minute) => new() { AgentId = "agent-1", Timestamp = Start.AddMinutes(minute) };

    private static int Minute(MetricsReport? sample) => (int)(sample!.Timestamp!.Value - Start).TotalMinutes;

    private static List<int> DrainMinutes(BoundedSampleQueue queue)
    {
        var minutes = new List<int>();
        while (queue.TryDequeue(out var sample))
        {
            minutes.Add(Minute(sample));
        }

        return minutes;
    }
}
