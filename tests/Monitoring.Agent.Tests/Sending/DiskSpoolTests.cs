using System.Diagnostics.Metrics;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;
using Monitoring.Agent.Sending;
using Monitoring.Agent.Telemetry;
using Monitoring.Contracts;

namespace Monitoring.Agent.Tests.Sending;

public sealed class DiskSpoolTests : IDisposable
{
    private static readonly DateTimeOffset Start = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Week = TimeSpan.FromDays(7);

    private readonly TempDirectory _directory = new();
    private readonly FakeTimeProvider _time = new(Start);
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly AgentTelemetry _telemetry;
    private readonly MetricCollector<long> _dropped;
    private readonly List<DiskSpool> _spools = [];

    public DiskSpoolTests()
    {
        var meterFactory = _services.GetRequiredService<IMeterFactory>();
        _telemetry = new AgentTelemetry(meterFactory);
        _dropped = new MetricCollector<long>(meterFactory, AgentTelemetry.Name, "monitoring.agent.samples.dropped");
    }

    public void Dispose()
    {
        foreach (var spool in _spools)
        {
            spool.Dispose();
        }

        _dropped.Dispose();
        _services.Dispose();
        _directory.Dispose();
    }

    [Fact]
    public void Sample_is_written_read_back_and_gone_from_disk_once_acknowledged()
    {
        var spool = Open();
        var written = Sample(0) with { System = new SystemMetrics { CpuPercent = 12.5 } };
        spool.Enqueue(written);
        Assert.Single(SegmentFiles());

        Assert.True(spool.TryDequeue(out var read));
        Assert.Equal(12.5, read.System!.CpuPercent);
        spool.Acknowledge(read);
        spool.Enqueue(Sample(1));
        _time.Advance(TimeSpan.FromHours(1));
        spool.Enqueue(Sample(2));

        Assert.Equal(2, spool.Count);
        Assert.Equal([2, 1], DrainMinutes(spool, acknowledge: true));
        Assert.Equal(0, spool.PendingBytes);
        Assert.Single(SegmentFiles());
    }

    [Fact]
    public void Live_sample_is_sent_first_then_the_backlog_oldest_first()
    {
        var spool = Open();
        for (var minute = 0; minute < 4; minute++)
        {
            spool.Enqueue(Sample(minute));
        }

        Assert.Equal([3, 0, 1, 2], DrainMinutes(spool, acknowledge: true));
    }

    [Fact]
    public void A_sample_collected_while_the_backlog_drains_jumps_ahead_of_it()
    {
        var spool = Open();
        spool.Enqueue(Sample(0));
        spool.Enqueue(Sample(1));
        spool.Enqueue(Sample(2));
        Assert.True(spool.TryDequeue(out var live));
        Assert.True(spool.TryDequeue(out var oldest));

        spool.Enqueue(Sample(3));

        Assert.Equal([2, 0], new[] { live, oldest }.Select(Minute));
        Assert.Equal([3, 1], DrainMinutes(spool, acknowledge: true));
    }

    [Fact]
    public void A_sample_whose_send_failed_is_requeued_in_timestamp_order_and_stays_on_disk()
    {
        var spool = Open();
        for (var minute = 0; minute < 4; minute++)
        {
            spool.Enqueue(Sample(minute));
        }

        Assert.True(spool.TryDequeue(out var live));
        spool.Requeue(live);
        spool.Requeue(Sample(-1));
        spool.Dispose();

        Assert.Equal([-1, 0, 1, 2, 3], DrainMinutes(Open(), acknowledge: false));
    }

    [Fact]
    public void Unacknowledged_samples_survive_a_restart_in_order_and_acknowledged_ones_do_not()
    {
        var first = Open();
        for (var minute = 0; minute < 5; minute++)
        {
            first.Enqueue(Sample(minute));
        }

        Assert.True(first.TryDequeue(out var live));
        Assert.True(first.TryDequeue(out var oldest));
        first.Acknowledge(live);
        first.Acknowledge(oldest);
        Assert.True(first.TryDequeue(out _));
        first.Dispose();

        var second = Open();
        Assert.Equal(3, second.Count);
        second.Enqueue(Sample(5));
        Assert.Equal([5, 1, 2, 3], DrainMinutes(second, acknowledge: true));
        second.Dispose();

        Assert.Equal(0, Open().Count);
        Assert.Empty(Directory.GetFiles(_directory.Path, "*" + DiskSpool.AckExtension));
    }

    [Fact]
    public void Samples_of_a_spool_killed_without_closing_are_all_recovered()
    {
        var killed = Open();
        for (var minute = 0; minute < 3; minute++)
        {
            killed.Enqueue(Sample(minute));
        }

        Assert.True(killed.TryDequeue(out var inFlight));
        Assert.Equal(2, Minute(inFlight));

        // The disk as a kill -9 leaves it: the files as they are, no lock held.
        using var afterKill = new TempDirectory();
        foreach (var file in Directory.GetFiles(_directory.Path).Where(file => Path.GetFileName(file) != DiskSpool.LockFileName))
        {
            File.Copy(file, afterKill.File(Path.GetFileName(file)));
        }

        using var restarted = new DiskSpool(afterKill.Path, 64 * 1024 * 1024, 4 * 1024 * 1024, Week, _telemetry, _time, NullLogger<DiskSpool>.Instance);
        Assert.Equal([0, 1, 2], DrainMinutes(restarted, acknowledge: false));
    }

    [Fact]
    public void A_second_spool_on_the_same_directory_fails_naming_the_setting()
    {
        Open();

        var error = Assert.Throws<IOException>(() => Open());

        Assert.Contains("SPOOL_DIRECTORY", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_record_torn_mid_write_is_skipped_and_the_earlier_ones_survive()
    {
        var spool = Open();
        for (var minute = 0; minute < 3; minute++)
        {
            spool.Enqueue(Sample(minute));
        }

        spool.Dispose();
        var segment = Assert.Single(SegmentFiles());
        using (var file = new FileStream(segment, FileMode.Open))
        {
            file.SetLength(file.Length - 10);
        }

        Assert.Equal([0, 1], DrainMinutes(Open(), acknowledge: false));
    }

    [Fact]
    public void A_record_with_a_flipped_byte_is_skipped_and_the_others_survive()
    {
        var spool = Open();
        for (var minute = 0; minute < 3; minute++)
        {
            spool.Enqueue(Sample(minute));
        }

        spool.Dispose();
        var segment = Assert.Single(SegmentFiles());
        var bytes = File.ReadAllBytes(segment);
        var recordLength = bytes.Length / 3;
        bytes[recordLength + (recordLength / 2)] ^= 0x20;
        File.WriteAllBytes(segment, bytes);

        Assert.Equal([0, 2], DrainMinutes(Open(), acknowledge: false));
    }

    [Fact]
    public void Over_the_byte_limit_the_oldest_samples_are_dropped_counted_and_their_range_kept()
    {
        var recordLength = RecordLength(Sample(0));
        var spool = Open(maxBytes: 3 * recordLength);
        for (var minute = 0; minute < 5; minute++)
        {
            spool.Enqueue(Sample(minute));
        }

        Assert.Equal([4, 2, 3], DrainMinutes(spool, acknowledge: true));
        Assert.Equal(new SpoolDrops(2, Start, Start.AddMinutes(1)), spool.Dropped);
        Assert.Equal(2, _dropped.GetMeasurementSnapshot().EvaluateAsCounter());
        Assert.All(_dropped.GetMeasurementSnapshot(), measurement => Assert.Equal("spool_full", measurement.Tags["reason"]));
    }

    [Fact]
    public void Samples_older_than_the_age_limit_are_dropped_also_after_a_restart()
    {
        var spool = Open(maxAge: TimeSpan.FromMinutes(30));
        for (var minute = 0; minute < 3; minute++)
        {
            spool.Enqueue(Sample(minute));
        }

        spool.Dispose();
        _time.Advance(TimeSpan.FromMinutes(31.5));

        var reopened = Open(maxAge: TimeSpan.FromMinutes(30));

        Assert.Equal(new SpoolDrops(2, Start, Start.AddMinutes(1)), reopened.Dropped);
        Assert.Equal([2], DrainMinutes(reopened, acknowledge: true));
        Assert.Equal(2, _dropped.GetMeasurementSnapshot().EvaluateAsCounter());
        Assert.All(_dropped.GetMeasurementSnapshot(), measurement => Assert.Equal("spool_expired", measurement.Tags["reason"]));
    }

    [Fact]
    public void A_removed_spool_directory_is_created_again_and_its_lost_samples_are_reported_as_dropped()
    {
        var spool = Open();
        spool.Enqueue(Sample(0));
        Directory.Delete(_directory.Path, recursive: true);

        spool.Enqueue(Sample(1));

        Assert.True(File.Exists(Path.Combine(_directory.Path, DiskSpool.LockFileName)));
        Assert.Null(spool.Status.Failure);
        Assert.True(spool.TryDequeueLive(out var live));
        Assert.Equal(1, Minute(live));
        Assert.Empty(spool.DequeueBacklog(10, long.MaxValue));
        Assert.Equal(new SpoolDrops(1, Start, Start), spool.Dropped);
        Assert.Equal("spool_unreadable", Assert.Single(_dropped.GetMeasurementSnapshot()).Tags["reason"]);
        spool.Dispose();
        Assert.Equal([1], DrainMinutes(Open(), acknowledge: true));
    }

    [Fact]
    public void While_the_directory_refuses_writes_samples_are_kept_in_memory_and_written_to_disk_once_it_accepts_them_again()
    {
        var logger = new FakeLogger<DiskSpool>();
        var spool = Open(logger: logger);
        spool.Enqueue(Sample(0));
        BlockDirectory();

        for (var minute = 1; minute <= 5; minute++)
        {
            spool.Enqueue(Sample(minute));
        }

        Assert.Equal(5, spool.Status.InMemory);
        Assert.NotNull(spool.Status.Failure);
        Assert.Equal(6, spool.Status.Depth);
        Assert.Equal(0, spool.Dropped.Count);
        Assert.Single(logger.Collector.GetSnapshot(), record => record.Level == LogLevel.Error);

        File.Delete(_directory.Path);
        spool.Enqueue(Sample(6));

        Assert.Equal(0, spool.Status.InMemory);
        Assert.Null(spool.Status.Failure);
        Assert.Single(logger.Collector.GetSnapshot(), record => record.Id.Id == 17);
        spool.Dispose();
        Assert.Equal([1, 2, 3, 4, 5, 6], DrainMinutes(Open(), acknowledge: true));
    }

    [Fact]
    public void Samples_kept_in_memory_are_sent_like_others_and_leave_memory_when_acknowledged()
    {
        var spool = Open();
        BlockDirectory();
        spool.Enqueue(Sample(0));
        spool.Enqueue(Sample(1));

        Assert.True(spool.TryDequeueLive(out var live));
        spool.Acknowledge(live);
        var backlog = Assert.Single(spool.DequeueBacklog(10, long.MaxValue));
        spool.Requeue(backlog);

        Assert.Equal(0, Minute(backlog));
        Assert.Equal(new SpoolStatus(1, RecordLength(backlog), Start, 0, 0, 1, spool.Status.Failure), spool.Status);
    }

    [Fact]
    public void Samples_kept_in_memory_beyond_its_limit_drop_the_oldest_not_being_sent_and_are_counted()
    {
        var spool = Open(memoryBytes: 2 * RecordLength(Sample(0)));
        BlockDirectory();
        spool.Enqueue(Sample(0));
        Assert.True(spool.TryDequeueLive(out var sending));

        for (var minute = 1; minute <= 4; minute++)
        {
            spool.Enqueue(Sample(minute));
        }

        Assert.Equal(new SpoolDrops(3, Start.AddMinutes(1), Start.AddMinutes(3)), spool.Dropped);
        Assert.All(_dropped.GetMeasurementSnapshot(), measurement => Assert.Equal("spool_memory_full", measurement.Tags["reason"]));
        Assert.Equal(2, spool.Status.InMemory);
        spool.Requeue(sending);
        Assert.Equal([4, 0], DrainMinutes(spool, acknowledge: true));
    }

    [Fact]
    public void Closing_while_the_directory_is_gone_or_refuses_writes_does_not_throw()
    {
        var gone = Open();
        gone.Enqueue(Sample(0));
        Directory.Delete(_directory.Path, recursive: true);
        gone.Dispose();

        var logger = new FakeLogger<DiskSpool>();
        var refusing = Open(logger: logger);
        refusing.Enqueue(Sample(1));
        BlockDirectory();
        refusing.Enqueue(Sample(2));
        refusing.Dispose();

        Assert.Equal("Stopping while the spool in " + _directory.Path + " refuses writes: 1 samples kept in memory are lost", logger.LatestRecord.Message);
    }

    [Fact]
    public void Unreported_drops_are_taken_once_given_back_when_not_delivered_and_survive_a_restart()
    {
        var spool = Open(maxBytes: 2 * RecordLength(Sample(0)));
        for (var minute = 0; minute < 4; minute++)
        {
            spool.Enqueue(Sample(minute));
        }

        var report = spool.TakeUnreportedDrops();
        Assert.Equal(new SpoolDrops(2, Start, Start.AddMinutes(1)), report);
        Assert.Null(spool.TakeUnreportedDrops());
        spool.SettleDropReport(delivered: false);
        spool.Dispose();

        var reopened = Open(maxBytes: 2 * RecordLength(Sample(0)));
        Assert.Equal(new SpoolDrops(2, Start, Start.AddMinutes(1)), reopened.TakeUnreportedDrops());
        reopened.SettleDropReport(delivered: true);
        Assert.Null(reopened.TakeUnreportedDrops());
        Assert.False(File.Exists(Path.Combine(_directory.Path, DiskSpool.DropsFileName)));
    }

    [Fact]
    public void Drops_during_a_report_in_flight_are_kept_for_the_next_report()
    {
        var spool = Open(maxBytes: 2 * RecordLength(Sample(0)));
        for (var minute = 0; minute < 3; minute++)
        {
            spool.Enqueue(Sample(minute));
        }

        Assert.Equal(1, spool.TakeUnreportedDrops()!.Count);
        spool.Enqueue(Sample(3));
        spool.SettleDropReport(delivered: true);

        Assert.Equal(new SpoolDrops(1, Start.AddMinutes(1), Start.AddMinutes(1)), spool.TakeUnreportedDrops());
        Assert.Equal(2, spool.Status.DroppedTotal);
    }

    [Fact]
    public void A_rejected_sample_is_moved_aside_with_the_answer_counted_and_leaves_the_spool()
    {
        var spool = Open();
        spool.Enqueue(Sample(0));
        Assert.True(spool.TryDequeue(out var sample));

        spool.Reject(sample, 400, """{"title":"bad"}""");

        Assert.Equal(new SpoolStatus(0, 0, null, 0, 1, 0, null), spool.Status);
        var line = Assert.Single(File.ReadAllLines(Path.Combine(_directory.Path, DiskSpool.RejectedDirectoryName, DiskSpool.RejectedFileName)));
        using var json = JsonDocument.Parse(line);
        Assert.Equal(400, json.RootElement.GetProperty("status_code").GetInt32());
        Assert.Equal("""{"title":"bad"}""", json.RootElement.GetProperty("problem").GetString());
        Assert.Equal(Start, json.RootElement.GetProperty("sample").GetProperty("timestamp").GetDateTimeOffset());
        spool.Dispose();
        Assert.Equal(0, Open().Count);
    }

    [Fact]
    public void Status_counts_waiting_and_in_flight_samples_and_the_oldest_unsent()
    {
        var spool = Open();
        for (var minute = 0; minute < 3; minute++)
        {
            spool.Enqueue(Sample(minute));
        }

        Assert.Equal(2, spool.DequeueBacklog(5, long.MaxValue).Count);

        var status = spool.Status;
        Assert.Equal(3, status.Depth);
        Assert.Equal(3 * RecordLength(Sample(0)), status.Bytes);
        Assert.Equal(Start, status.OldestUnsent);
    }

    [Fact]
    public void A_backlog_batch_stops_at_the_byte_limit_but_always_takes_one()
    {
        var spool = Open();
        for (var minute = 0; minute < 5; minute++)
        {
            spool.Enqueue(Sample(minute));
        }

        Assert.True(spool.TryDequeueLive(out _));
        Assert.Equal([0, 1], spool.DequeueBacklog(10, (2 * RecordLength(Sample(0))) + 1).Select(Minute));
        Assert.Equal([2], spool.DequeueBacklog(10, 1).Select(Minute));
        Assert.Equal([3], spool.DequeueBacklog(10, long.MaxValue).Select(Minute));
    }

    [Fact]
    public void A_new_segment_starts_every_hour_and_finished_segments_are_deleted()
    {
        var spool = Open();
        spool.Enqueue(Sample(0));
        _time.Advance(TimeSpan.FromMinutes(61));
        spool.Enqueue(Sample(61));
        Assert.Equal(2, SegmentFiles().Length);

        Assert.Equal([61, 0], DrainMinutes(spool, acknowledge: true));

        Assert.Single(SegmentFiles());
    }

    [Fact]
    public async Task Waiting_completes_when_a_sample_arrives_or_at_once_when_the_spool_was_not_empty()
    {
        var spool = Open();
        var enqueued = false;
        // Runs where the wait completes: at once, seeing false, if the empty spool did not wait; else after the enqueue.
        var completedAfterEnqueue = spool.WaitAsync(TestContext.Current.CancellationToken).AsTask()
            .ContinueWith(_ => Volatile.Read(ref enqueued), TestContext.Current.CancellationToken, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);

        Volatile.Write(ref enqueued, true);
        spool.Enqueue(Sample(0));

        Assert.True(await completedAfterEnqueue.WaitAsync(TimeSpan.FromSeconds(5), TestContext.Current.CancellationToken));
        spool.Dispose();

        await Open().WaitAsync(TestContext.Current.CancellationToken).AsTask().WaitAsync(TimeSpan.FromSeconds(5), TestContext.Current.CancellationToken);
    }

    private DiskSpool Open(long maxBytes = 64 * 1024 * 1024, TimeSpan? maxAge = null, long memoryBytes = 4 * 1024 * 1024, ILogger<DiskSpool>? logger = null)
    {
        var spool = new DiskSpool(_directory.Path, maxBytes, memoryBytes, maxAge ?? Week, _telemetry, _time, logger ?? NullLogger<DiskSpool>.Instance);
        _spools.Add(spool);
        return spool;
    }

    /// <summary>Puts a file where the spool's directory was: every write to it fails, as on a full or read-only disk.</summary>
    private void BlockDirectory()
    {
        Directory.Delete(_directory.Path, recursive: true);
        File.WriteAllText(_directory.Path, "not a directory");
    }

    private string[] SegmentFiles() => Directory.GetFiles(_directory.Path, "*" + DiskSpool.SegmentExtension);

    private static long RecordLength(MetricsReport sample) =>
        8 + JsonSerializer.SerializeToUtf8Bytes(sample, MonitoringJsonContext.Default.MetricsReport).Length;

    private static MetricsReport Sample(int minute) => new() { AgentId = "agent-1", Timestamp = Start.AddMinutes(minute) };

    private static int Minute(MetricsReport? sample) => (int)(sample!.Timestamp!.Value - Start).TotalMinutes;

    private static List<int> DrainMinutes(DiskSpool spool, bool acknowledge)
    {
        var minutes = new List<int>();
        while (spool.TryDequeue(out var sample))
        {
            minutes.Add(Minute(sample));
            if (acknowledge)
            {
                spool.Acknowledge(sample);
            }
        }

        return minutes;
    }
}
