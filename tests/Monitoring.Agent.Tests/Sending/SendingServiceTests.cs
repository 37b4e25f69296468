using System.Diagnostics.Metrics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Monitoring.Agent.Collectors;
using Monitoring.Agent.Sending;
using Monitoring.Agent.Telemetry;
using Monitoring.Contracts;

namespace Monitoring.Agent.Tests.Sending;

public sealed class SendingServiceTests : IDisposable
{
    // Recent and on a whole second, so the spool's age limit keeps the samples and their offsets are whole seconds.
    private static readonly DateTimeOffset Start = DateTimeOffset.FromUnixTimeSeconds(TimeProvider.System.GetUtcNow().ToUnixTimeSeconds());

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
    public async Task A_429_with_Retry_After_is_retried_no_sooner_than_the_server_asked()
    {
        await using var server = LoopbackIngestServer.Start(HttpStatusCode.TooManyRequests);
        server.RetryAfterSeconds = 2;
        await using var services = SenderTestHost.Build(server.BaseAddress, _spool.Path, settings: new() { ["Agent:RETRY_MAX_DELAY"] = "10" });
        var queue = services.GetRequiredService<ISampleQueue>();
        queue.Enqueue(new MetricsReport { AgentId = "agent-under-test", Timestamp = Start });

        await RunHostedServicesAsync(services, () => Eventually.TrueAsync(() => server.Accepted == 1, "the server accepted the sample"));

        var attempts = server.Requests.ToArray();
        Assert.Equal([HttpStatusCode.TooManyRequests, HttpStatusCode.OK], attempts.Select(r => r.AnsweredWith));
        // Without Retry-After the backoff here is at most 10 ms.
        Assert.True(attempts[1].ReceivedAt - attempts[0].ReceivedAt >= TimeSpan.FromSeconds(1.9), $"retried after {attempts[1].ReceivedAt - attempts[0].ReceivedAt}");
    }

    [Fact]
    public async Task Live_sample_goes_first_then_the_backlog_in_timestamp_order_through_batches()
    {
        await using var server = LoopbackIngestServer.Start();
        await using var services = SenderTestHost.Build(server.BaseAddress, _spool.Path, settings: new() { ["Agent:BACKFILL_BATCH_SIZE"] = "2" });
        var queue = services.GetRequiredService<ISampleQueue>();
        for (var second = 0; second < 5; second++)
        {
            queue.Enqueue(Sample(second));
        }

        await RunHostedServicesAsync(services, () => Eventually.TrueAsync(() => server.Accepted == 3 && Acknowledged(queue), "the live sample and two batches were accepted"));

        Assert.Equal(["/api/v1/metrics", "/api/v1/metrics/batch", "/api/v1/metrics/batch"], server.Requests.Select(r => r.Path));
        Assert.Equal([[4], [0, 1], [2, 3]], server.Requests.Select(Seconds));
    }

    [Fact]
    public async Task Rejected_sample_is_moved_aside_counted_and_the_next_one_is_sent()
    {
        await using var server = LoopbackIngestServer.Start(HttpStatusCode.BadRequest);
        await using var services = SenderTestHost.Build(server.BaseAddress, _spool.Path);
        using var rejected = new MetricCollector<long>(services.GetRequiredService<IMeterFactory>(), AgentTelemetry.Name, "monitoring.agent.samples.rejected");
        var queue = services.GetRequiredService<ISampleQueue>();
        queue.Enqueue(Sample(0));
        queue.Enqueue(Sample(1));

        await RunHostedServicesAsync(services, () => Eventually.TrueAsync(() => server.Accepted == 1 && Acknowledged(queue), "the server accepted a sample and the spool let both go"));

        Assert.Equal([HttpStatusCode.BadRequest, HttpStatusCode.OK], server.Requests.Select(r => r.AnsweredWith));
        Assert.Equal(1, queue.Status.RejectedTotal);
        Assert.Equal(400, Assert.Single(rejected.GetMeasurementSnapshot()).Tags["http.response.status_code"]);
        var line = Assert.Single(RejectedLines());
        Assert.Equal(400, line.GetProperty("status_code").GetInt32());
        Assert.Contains("cpu_percent", line.GetProperty("problem").GetString(), StringComparison.Ordinal);
        Assert.Equal(Start.AddSeconds(1), line.GetProperty("sample").GetProperty("timestamp").GetDateTimeOffset());
    }

    [Fact]
    public async Task A_refused_batch_is_resent_one_by_one_and_only_the_bad_sample_is_moved_aside()
    {
        // The live sample, the batch of three, then the three one by one: the second of them is the bad one.
        await using var server = LoopbackIngestServer.Start(HttpStatusCode.OK, HttpStatusCode.BadRequest, HttpStatusCode.OK, HttpStatusCode.UnprocessableEntity, HttpStatusCode.OK);
        await using var services = SenderTestHost.Build(server.BaseAddress, _spool.Path);
        var queue = services.GetRequiredService<ISampleQueue>();
        for (var second = 0; second < 4; second++)
        {
            queue.Enqueue(Sample(second));
        }

        await RunHostedServicesAsync(services, () => Eventually.TrueAsync(() => server.Requests.Count == 5 && Acknowledged(queue), "every sample was accepted or rejected"));

        Assert.Equal([[3], [0, 1, 2], [0], [1], [2]], server.Requests.Select(Seconds));
        Assert.Equal("/api/v1/metrics/batch", server.Requests.ElementAt(1).Path);
        Assert.All(server.Requests.Skip(2), request => Assert.Equal("/api/v1/metrics", request.Path));
        var line = Assert.Single(RejectedLines());
        Assert.Equal(422, line.GetProperty("status_code").GetInt32());
        Assert.Equal(Start.AddSeconds(1), line.GetProperty("sample").GetProperty("timestamp").GetDateTimeOffset());
        Assert.Equal(1, queue.Status.RejectedTotal);
    }

    [Theory]
    [InlineData(HttpStatusCode.Unauthorized)]
    [InlineData(HttpStatusCode.Forbidden)]
    public async Task A_refused_token_keeps_the_sample_spooled_until_the_server_accepts_it_and_logs_no_token(HttpStatusCode refusal)
    {
        await using var server = LoopbackIngestServer.Start(refusal, refusal);
        await using var services = SenderTestHost.Build(server.BaseAddress, _spool.Path, before: registrations => registrations.AddFakeLogging(),
            settings: new() { ["Agent:AGENT_TOKEN"] = "s3cr3t-token" });
        using var rejected = new MetricCollector<long>(services.GetRequiredService<IMeterFactory>(), AgentTelemetry.Name, "monitoring.agent.samples.rejected");
        var queue = services.GetRequiredService<ISampleQueue>();
        queue.Enqueue(Sample(0));

        await RunHostedServicesAsync(services, () => Eventually.TrueAsync(() => server.Accepted == 1 && Acknowledged(queue), "the sample was accepted once the server took the token"));

        Assert.Equal([refusal, refusal, HttpStatusCode.OK], server.Requests.Select(r => r.AnsweredWith));
        Assert.All(server.Requests, request => Assert.Equal([0], Seconds(request)));
        Assert.Equal(0, queue.Status.RejectedTotal);
        Assert.Empty(rejected.GetMeasurementSnapshot());
        Assert.False(Directory.Exists(Path.Combine(_spool.Path, DiskSpool.RejectedDirectoryName)));
        var logs = services.GetFakeLogCollector().GetSnapshot();
        var refused = logs.Where(record => record.Level == LogLevel.Error && record.Message.Contains("refused the agent's credentials", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, refused.Count);
        Assert.All(refused, record => Assert.Contains($"HTTP {(int)refusal}", record.Message, StringComparison.Ordinal));
        Assert.DoesNotContain(logs, record => record.Message.Contains("s3cr3t", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_backfill_batch_refused_for_its_token_is_retried_whole_and_nothing_is_moved_aside()
    {
        // The live sample, then the batch is refused once: the backlog goes back to the spool, one probe, then the rest as a batch.
        await using var server = LoopbackIngestServer.Start(HttpStatusCode.OK, HttpStatusCode.Unauthorized);
        await using var services = SenderTestHost.Build(server.BaseAddress, _spool.Path, before: registrations => registrations.AddFakeLogging());
        var queue = services.GetRequiredService<ISampleQueue>();
        for (var second = 0; second < 4; second++)
        {
            queue.Enqueue(Sample(second));
        }

        await RunHostedServicesAsync(services, () => Eventually.TrueAsync(() => server.Accepted == 3 && Acknowledged(queue), "every sample was accepted"));

        Assert.Equal([[3], [0, 1, 2], [0], [1, 2]], server.Requests.Select(Seconds));
        Assert.Equal(0, queue.Status.RejectedTotal);
        Assert.False(Directory.Exists(Path.Combine(_spool.Path, DiskSpool.RejectedDirectoryName)));
        Assert.Single(services.GetFakeLogCollector().GetSnapshot(), record => record.Message.Contains("refused the agent's credentials", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_live_sample_collected_during_the_backoff_goes_ahead_of_the_retry()
    {
        var time = new FakeTimeProvider(Start);
        await using var server = LoopbackIngestServer.Start(HttpStatusCode.ServiceUnavailable);
        await using var services = SenderTestHost.Build(server.BaseAddress, _spool.Path, before: registrations => registrations.AddSingleton<TimeProvider>(time),
            settings: new() { ["Agent:RETRY_BASE_DELAY"] = "10", ["Agent:RETRY_MAX_DELAY"] = "10" });
        var queue = services.GetRequiredService<ISampleQueue>();
        queue.Enqueue(Sample(0));

        await RunHostedServicesAsync(services, async () =>
        {
            await Eventually.TrueAsync(() => server.Requests.Count == 1, "the first attempt failed");
            queue.Enqueue(Sample(1));

            // In steps, as the backoff's timer may start only after the test saw the failed attempt.
            await Eventually.TrueAsync(() => server.Accepted == 2 && Acknowledged(queue), "both samples were accepted", () => time.Advance(TimeSpan.FromMilliseconds(500)));
        });

        Assert.Equal([[0], [1], [0]], server.Requests.Select(Seconds));
        Assert.Equal(["/api/v1/metrics", "/api/v1/metrics", "/api/v1/metrics/batch"], server.Requests.Select(r => r.Path));
    }

    [Fact]
    public async Task After_an_outage_live_samples_go_at_once_and_the_backlog_waits_the_random_start_delay()
    {
        var time = new FakeTimeProvider(Start);
        await using var server = LoopbackIngestServer.Start(HttpStatusCode.ServiceUnavailable);
        await using var services = SenderTestHost.Build(server.BaseAddress, _spool.Path, before: registrations => registrations.AddSingleton<TimeProvider>(time),
            settings: new() { ["Agent:RETRY_BASE_DELAY"] = "1", ["Agent:RETRY_MAX_DELAY"] = "1", ["Agent:BACKFILL_START_DELAY"] = "3600" }, after: WatchedQueue.Replace);
        var queue = (WatchedQueue)services.GetRequiredService<ISampleQueue>();
        for (var second = 0; second < 4; second++)
        {
            queue.Enqueue(Sample(second));
        }

        await RunHostedServicesAsync(services, async () =>
        {
            await Eventually.TrueAsync(() => server.Accepted == 1, "after the live sample failed, a probe with the oldest sample was accepted", () => time.Advance(TimeSpan.FromMilliseconds(50)));

            queue.Enqueue(Sample(4));
            // A wait seen after the live sample's answer began after it: the backlog was not sent in between.
            await Eventually.TrueAsync(() => server.Accepted == 2 && queue.LiveWait is { IsCancellationRequested: false }, "the next live sample was accepted and the backlog waits");
            Assert.Equal(3, server.Requests.Count);

            time.Advance(TimeSpan.FromSeconds(3600));
            await Eventually.TrueAsync(() => server.Accepted == 3 && Acknowledged(queue.Spool), "the backlog was sent");
        });

        Assert.Equal([[3], [0], [4], [1, 2, 3]], server.Requests.Select(Seconds));
    }

    [Fact]
    public async Task Backfill_batches_are_paced_at_the_backfill_rate()
    {
        var time = new FakeTimeProvider(Start);
        await using var server = LoopbackIngestServer.Start();
        await using var services = SenderTestHost.Build(server.BaseAddress, _spool.Path, before: registrations => registrations.AddSingleton<TimeProvider>(time),
            settings: new() { ["Agent:BACKFILL_BATCH_SIZE"] = "2", ["Agent:BACKFILL_RATE"] = "1" }, after: WatchedQueue.Replace);
        var queue = (WatchedQueue)services.GetRequiredService<ISampleQueue>();
        for (var second = 0; second < 5; second++)
        {
            queue.Enqueue(Sample(second));
        }

        await RunHostedServicesAsync(services, async () =>
        {
            await Eventually.TrueAsync(() => server.Accepted == 2 && queue.Status.Depth == 2 && queue.LiveWait is not null, "the live sample and the first batch were accepted and the next batch waits");
            var wait = queue.LiveWait!.Value;

            // The next batch is due two seconds after the first was acknowledged; the clock has not moved since.
            time.Advance(TimeSpan.FromSeconds(1.9));
            Assert.False(wait.IsCancellationRequested);
            Assert.Equal(2, server.Requests.Count);

            time.Advance(TimeSpan.FromSeconds(0.1));
            await Eventually.TrueAsync(() => server.Accepted == 3 && Acknowledged(queue.Spool), "the second batch was accepted");
        });

        Assert.Equal([[4], [0, 1], [2, 3]], server.Requests.Select(Seconds));
    }

    [Fact]
    public async Task Drops_are_reported_in_each_send_until_one_is_accepted_and_then_no_more()
    {
        var recordLength = 8 + JsonSerializer.SerializeToUtf8Bytes(Sample(0), MonitoringJsonContext.Default.MetricsReport).Length;
        await using var server = LoopbackIngestServer.Start(HttpStatusCode.ServiceUnavailable);
        await using var services = SenderTestHost.Build(server.BaseAddress, _spool.Path, settings: new() { ["Agent:SPOOL_MAX_BYTES"] = (3 * recordLength).ToString(CultureInfo.InvariantCulture) });
        var queue = services.GetRequiredService<ISampleQueue>();
        for (var second = 0; second < 5; second++)
        {
            queue.Enqueue(Sample(second));
        }

        await RunHostedServicesAsync(services, () => Eventually.TrueAsync(() => server.Accepted == 2 && Acknowledged(queue), "the three kept samples were accepted"));

        var reports = server.Requests.Select(request => Bodies(request).Select(sample => sample.Agent?.Dropped).ToList()).ToList();
        var expected = new DroppedSamples { Count = 2, From = Start, To = Start.AddSeconds(1) };
        Assert.Equal([[expected], [expected], [null, null]], reports);
        Assert.Equal(2, queue.Status.DroppedTotal);
        Assert.False(File.Exists(Path.Combine(_spool.Path, DiskSpool.DropsFileName)));
    }

    [Fact]
    public async Task Stopping_mid_send_leaves_the_sample_in_the_spool_for_the_next_start()
    {
        await using var server = LoopbackIngestServer.StartStalled();
        await using (var services = SenderTestHost.Build(server.BaseAddress, _spool.Path, settings: new() { ["Agent:REQUEST_TIMEOUT"] = "600" }))
        {
            var queue = services.GetRequiredService<ISampleQueue>();
            queue.Enqueue(Sample(0));
            await RunHostedServicesAsync(services, () => Eventually.TrueAsync(() => server.Requests.Count == 1, "the send started"));
        }

        await using var restarted = SenderTestHost.Build(server.BaseAddress, _spool.Path);
        var reopened = restarted.GetRequiredService<ISampleQueue>();
        Assert.Equal(1, reopened.Count);
        Assert.True(reopened.TryDequeue(out var sample));
        Assert.Equal(Start, sample.Timestamp);
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

    private static MetricsReport Sample(int second) => new() { AgentId = "agent-under-test", Timestamp = Start.AddSeconds(second) };

    private static MetricsReport[] Bodies(ReceivedRequest request) => request.Path.EndsWith("/batch", StringComparison.Ordinal)
        ? JsonSerializer.Deserialize(request.Body, MonitoringJsonContext.Default.MetricsReportArray)!
        : [JsonSerializer.Deserialize(request.Body, MonitoringJsonContext.Default.MetricsReport)!];

    private static int[] Seconds(ReceivedRequest request) =>
        [.. Bodies(request).Select(sample => (int)Math.Round((sample.Timestamp!.Value - Start).TotalSeconds))];

    private List<JsonElement> RejectedLines()
    {
        var path = Path.Combine(_spool.Path, DiskSpool.RejectedDirectoryName, DiskSpool.RejectedFileName);
        return [.. File.ReadAllLines(path).Select(line => JsonDocument.Parse(line).RootElement)];
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
