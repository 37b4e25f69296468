using Monitoring.Abstractions;
using Monitoring.Contracts;
using Monitoring.Silo.Storage;

namespace Monitoring.Tests.Storage;

/// <summary>
/// The history engine on each backend's real database (a subclass per backend): head rows, compaction into blocks,
/// rollup tiers, and answers stitched from all of them. Expected values are computed here from the raw samples the test wrote.
/// </summary>
public abstract class HistoryStoreTests : IAsyncLifetime
{
    protected static readonly DateTimeOffset Hour0 = new(2026, 11, 20, 8, 0, 0, TimeSpan.Zero);

    private readonly string _agent = Samples.NewAgentId("store");
    private StoreUnderTest _file = null!;

    /// <summary>A store on an empty database of its own.</summary>
    protected abstract Task<StoreUnderTest> CreateStoreAsync(HistoryOptions? options = null);

    public async ValueTask InitializeAsync() => _file = await CreateStoreAsync();

    [Fact]
    public async Task A_sample_resent_after_its_hour_was_compacted_is_stored_once()
    {
        var samples = Minutes(Hour0.AddMinutes(10), 3);
        _file.Append(samples);
        await _file.CompactAsync();

        Assert.Equal(0, _file.Append(samples[1]));
        Assert.Equal(0, _file.Scalar("SELECT count(*) FROM history_head"));
        var raw = await _file.QueryAsync(RawQuery(Hour0, Hour0.AddHours(1)));
        var hourly = await _file.QueryAsync(new HistoryQuery(_agent, Hour0, Hour0.AddHours(1), 3600, 100));
        var stats = await _file.Store.GetStatsAsync(TestContext.Current.CancellationToken);

        Assert.Equal(samples.Select(s => s.Timestamp), raw.Samples!.Select(s => (DateTimeOffset?)s.Timestamp));
        Assert.Equal(3, Assert.Single(hourly.Buckets!).Count);
        Assert.Equal(3, stats.Samples);
        Assert.Equal(0, stats.PendingCompaction);
    }

    [Fact]
    public async Task Another_silo_with_nothing_cached_reads_every_sample_and_series_the_first_one_stored()
    {
        var ct = TestContext.Current.CancellationToken;
        var samples = Minutes(Hour0, 90);
        _file.Append(samples);
        await _file.CompactAsync(before: Hour0.AddHours(1));
        var other = _file.OpenAnother();

        var agent = await other.ReadAgentAsync(_agent, ct);
        var raw = await other.QueryAsync(RawQuery(Hour0, Hour0.AddHours(2)), ct);
        var buckets = await other.QueryAsync(new HistoryQuery(_agent, Hour0, Hour0.AddHours(2), 3600, 10), ct);

        Assert.Equal(samples[^1].Timestamp, agent!.Latest!.Timestamp);
        Assert.Equal(samples.Select(s => s.Timestamp), raw!.Samples!.Select(s => (DateTimeOffset?)s.Timestamp));
        Assert.Equal(samples[5].Network![0].Host, raw.Samples![5].Network[0].Host);
        AssertBuckets(samples, Hour0, 3600, buckets!);
    }

    [Theory]
    [InlineData(300)]
    [InlineData(900)]
    [InlineData(3600)]
    public async Task Buckets_stitch_rollups_blocks_and_head_with_no_gap_and_no_double_count(int stepSeconds)
    {
        var samples = Minutes(Hour0, 240);
        _file.Append(samples);
        await _file.CompactAsync(before: Hour0.AddHours(2));
        _file.Append(samples[30], samples[200]);

        var answer = await _file.QueryAsync(new HistoryQuery(_agent, Hour0, Hour0.AddHours(4), stepSeconds, 10_000));

        AssertBuckets(samples, Hour0, stepSeconds, answer);
        Assert.Equal(stepSeconds, answer.StepSeconds);
        Assert.Equal(4 * 3600 / stepSeconds, answer.Buckets!.Count);
    }

    [Fact]
    public async Task An_unaligned_range_is_answered_exactly_from_raw_samples_at_the_edges()
    {
        var samples = Minutes(Hour0, 240);
        _file.Append(samples);
        await _file.CompactAsync();
        var from = Hour0.AddMinutes(7).AddSeconds(30);

        var answer = await _file.QueryAsync(new HistoryQuery(_agent, from, Hour0.AddHours(4), 600, 10_000));

        AssertBuckets([.. samples.Where(s => s.Timestamp >= from)], from, 600, answer);
    }

    [Fact]
    public async Task A_query_that_lets_the_store_align_uses_a_tier_grid_and_says_so()
    {
        var samples = Minutes(Hour0, 240);
        _file.Append(samples);
        await _file.CompactAsync();
        var from = Hour0.AddMinutes(7);

        var answer = await _file.QueryAsync(new HistoryQuery(_agent, from, Hour0.AddHours(4), 1000, 500, AlignToTiers: true));

        Assert.Equal(Hour0.AddMinutes(5), answer.From);
        Assert.Equal(1200, answer.StepSeconds);
        AssertBuckets([.. samples.Where(s => s.Timestamp >= Hour0.AddMinutes(5))], Hour0.AddMinutes(5), 1200, answer);
    }

    [Fact]
    public async Task Rollup_minimum_and_maximum_are_the_raw_extremes_in_every_tier()
    {
        var samples = Minutes(Hour0, 120);
        samples[37] = samples[37] with { System = samples[37].System! with { CpuPercent = 99.97 } };
        samples[38] = samples[38] with { System = samples[38].System! with { CpuPercent = 0.01 } };
        _file.Append(samples);
        await _file.CompactAsync();

        foreach (var step in (int[])[300, 3600, 7200])
        {
            var answer = await _file.QueryAsync(new HistoryQuery(_agent, Hour0, Hour0.AddHours(2), step, 100));
            Assert.Equal(99.97, answer.Buckets!.Max(b => b.CpuPercent.Max));
            Assert.Equal(0.01, answer.Buckets!.Min(b => b.CpuPercent.Min));
        }
    }

    [Fact]
    public async Task An_hour_still_being_back_filled_is_compacted_once_no_sample_arrived_for_the_compaction_delay()
    {
        var arrival = Hour0.AddHours(5);
        var samples = Minutes(Hour0, 40);
        _file.AppendReceived(arrival, samples[..20]);
        _file.AppendReceived(arrival.AddMinutes(1), samples[20..]);

        Assert.Equal(0, await _file.CompactAsync(before: arrival.AddSeconds(30)));
        Assert.Equal(40, _file.Scalar("SELECT count(*) FROM history_head"));
        Assert.Equal(1, await _file.CompactAsync(before: arrival.AddMinutes(1).AddSeconds(1)));
        Assert.Equal(0, _file.Scalar("SELECT count(*) FROM history_head"));
        AssertBuckets(samples, Hour0, 3600, await _file.QueryAsync(new HistoryQuery(_agent, Hour0, Hour0.AddHours(1), 3600, 10)));
    }

    [Fact]
    public async Task A_late_sample_in_a_compacted_hour_counts_once_before_and_after_the_next_compaction()
    {
        var samples = Minutes(Hour0, 60);
        _file.Append([.. samples.Where((_, i) => i != 17)]);
        await _file.CompactAsync();
        _file.Append(samples[17]);

        var before = await _file.QueryAsync(new HistoryQuery(_agent, Hour0, Hour0.AddHours(1), 3600, 10));
        await _file.CompactAsync();
        var after = await _file.QueryAsync(new HistoryQuery(_agent, Hour0, Hour0.AddHours(1), 3600, 10));

        AssertBuckets(samples, Hour0, 3600, before);
        AssertBuckets(samples, Hour0, 3600, after);
        Assert.Equal(0, _file.Scalar("SELECT count(*) FROM history_head"));
    }

    [Fact]
    public async Task A_raw_sample_answers_the_same_before_and_after_compaction()
    {
        var at = Hour0.AddMinutes(3);
        var detailed = Samples.Detailed(_agent, at);
        var sparse = Samples.Sample(_agent, at.AddMinutes(1)) with { Network = [] };
        _file.Append(detailed, sparse);

        var head = await _file.QueryAsync(RawQuery(Hour0, Hour0.AddHours(1)));
        await _file.CompactAsync();
        var blocks = await _file.QueryAsync(RawQuery(Hour0, Hour0.AddHours(1)));

        Assert.Equal(Json(head), Json(blocks));
        Assert.Equal(2, blocks.Samples!.Count);
        Assert.Equal(95, blocks.Samples[0].Series!["disk[/home].percent"]);
        Assert.Equal(100_000_000_000, blocks.Samples[0].Disk.Total);
        Assert.Equal("db.internal", blocks.Samples[0].Network[0].Host);
        Assert.Empty(blocks.Samples[1].Network);
        Assert.False(blocks.Samples[1].Series?.ContainsKey("cpu.core[0]") ?? false);
    }

    [Fact]
    public async Task Series_globs_select_the_series_an_answer_carries()
    {
        _file.Append(Samples.Detailed(_agent, Hour0.AddMinutes(1)), Samples.Detailed(_agent, Hour0.AddMinutes(2)));
        await _file.CompactAsync();

        var raw = await _file.QueryAsync(RawQuery(Hour0, Hour0.AddHours(1)) with { Series = ["cpu.core[*]", "load.load1"] });
        var buckets = await _file.QueryAsync(new HistoryQuery(_agent, Hour0, Hour0.AddHours(1), 3600, 10, ["disk[*].percent"]));
        var headline = await _file.QueryAsync(new HistoryQuery(_agent, Hour0, Hour0.AddHours(1), 3600, 10, []));

        Assert.Equal(["cpu.core[0]", "cpu.core[1]", "load.load1"], raw.Samples![0].Series!.Keys.Order());
        Assert.Equal(["disk[/].percent", "disk[/home].percent"], buckets.Buckets![0].Series!.Keys.Order());
        Assert.Null(headline.Buckets![0].Series);
        Assert.Equal(12.5, headline.Buckets[0].CpuPercent.Avg);
    }

    [Fact]
    public async Task An_answer_stops_at_the_value_cap_and_says_it_was_truncated()
    {
        using var file = await CreateStoreAsync(new HistoryOptions { MaxValuesPerAnswer = 1000 });
        var samples = Enumerable.Range(0, 100).Select(i => Samples.Detailed(_agent, Hour0.AddMinutes(i))).ToArray();
        file.Append(samples);

        var raw = await file.QueryAsync(RawQuery(Hour0, Hour0.AddHours(2)));
        var buckets = await file.QueryAsync(new HistoryQuery(_agent, Hour0, Hour0.AddHours(2), 60, 10_000));

        Assert.True(raw.Truncated);
        Assert.True(buckets.Truncated);
        var perSample = 3 + raw.Samples![0].Series!.Count;
        Assert.InRange(raw.Samples!.Count * perSample, 1, 1000);
        Assert.InRange(buckets.Buckets!.Count * (1 + (3 * (3 + buckets.Buckets[0].Series!.Count))), 1, 1000);
    }

    [Fact]
    public async Task Raw_samples_leaving_retention_are_rolled_into_the_five_minute_tier_exactly()
    {
        var samples = Minutes(Hour0, 120);
        _file.Append(samples);
        await _file.CompactAsync();
        var raw = await _file.QueryAsync(new HistoryQuery(_agent, Hour0, Hour0.AddHours(2), 900, 100));

        await _file.Store.DeleteSamplesBeforeAsync(Hour0.AddHours(1).AddMinutes(30), TestContext.Current.CancellationToken);
        var stitched = await _file.QueryAsync(new HistoryQuery(_agent, Hour0, Hour0.AddHours(2), 900, 100));

        Assert.Empty((await _file.QueryAsync(RawQuery(Hour0, Hour0.AddHours(1)))).Samples!);
        Assert.Equal(60, (await _file.QueryAsync(RawQuery(Hour0.AddHours(1), Hour0.AddHours(2)))).Samples!.Count);
        AssertBuckets(samples, Hour0, 900, raw);
        AssertBuckets(samples, Hour0, 900, stitched);
    }

    [Fact]
    public async Task Retention_deletes_each_tier_by_its_own_age()
    {
        var old = Hour0.AddDays(-40);
        _file.Append(Minutes(old, 5));
        _file.Append(Minutes(Hour0, 5));
        await _file.CompactAsync();

        var samples = await _file.Store.DeleteSamplesBeforeAsync(Hour0.AddDays(-30), TestContext.Current.CancellationToken);
        var rolledUp = await _file.QueryAsync(new HistoryQuery(_agent, old, old.AddHours(1), 300, 10));
        var fiveMinute = await _file.Store.DeleteRollupsBeforeAsync(Rollups.FiveMinutes, Hour0.AddDays(-35), TestContext.Current.CancellationToken);
        var hourly = await _file.Store.DeleteRollupsBeforeAsync(Rollups.Hour, Hour0.AddDays(-45), TestContext.Current.CancellationToken);

        Assert.Equal((5, 1, 0), (samples, fiveMinute, hourly));
        Assert.Equal([(old, 5)], rolledUp.Buckets!.Select(b => (b.Start, b.Count)));
        var oldHour = await _file.QueryAsync(new HistoryQuery(_agent, old, old.AddHours(1), 3600, 10));
        var oldFive = await _file.QueryAsync(new HistoryQuery(_agent, old, old.AddHours(1), 300, 10));
        var oldRaw = await _file.QueryAsync(RawQuery(old, old.AddHours(1)));
        Assert.Equal(5, Assert.Single(oldHour.Buckets!).Count);
        Assert.Empty(oldFive.Buckets!);
        Assert.Empty(oldRaw.Samples!);
        Assert.Equal(5, (await _file.QueryAsync(RawQuery(Hour0, Hour0.AddHours(1)))).Samples!.Count);
    }

    [Fact]
    public async Task Retention_takes_an_hour_only_once_all_of_it_is_older_than_the_cutoff()
    {
        var ct = TestContext.Current.CancellationToken;
        _file.Append(Minutes(Hour0, 60));

        // The cutoff falls inside the hour: none of it leaves raw, the head is left to the compactor, nothing is rolled up.
        var early = await _file.Store.DeleteSamplesBeforeAsync(Hour0.AddMinutes(50), ct);
        var raw = await _file.QueryAsync(RawQuery(Hour0, Hour0.AddHours(1)));

        var stats = await _file.Store.GetStatsAsync(ct);
        Assert.Equal(0, early);
        Assert.Equal(60, raw.Samples!.Count);
        Assert.Equal(60, stats.PendingCompaction);
        Assert.Equal(0, stats.Tiers.Single(t => t.Tier == "5m").Rows);

        // Once the whole hour is past the cutoff it moves to the rollup tiers whole: 60 samples in its hour and its 5-minute buckets.
        var late = await _file.Store.DeleteSamplesBeforeAsync(Hour0.AddHours(1).AddMinutes(1), ct);
        var hourly = await _file.QueryAsync(new HistoryQuery(_agent, Hour0, Hour0.AddHours(1), 3600, 10));
        var fiveMinute = await _file.QueryAsync(new HistoryQuery(_agent, Hour0, Hour0.AddHours(1), 300, 20));

        Assert.Equal(60, late);
        Assert.Equal(60, Assert.Single(hourly.Buckets!).Count);
        Assert.Equal(60, fiveMinute.Buckets!.Sum(b => b.Count));
        Assert.Empty((await _file.QueryAsync(RawQuery(Hour0, Hour0.AddHours(1)))).Samples!);
    }

    [Fact]
    public async Task Storage_stats_count_every_sample_once_and_the_bytes_per_tier()
    {
        _file.Append(Minutes(Hour0, 90));
        await _file.CompactAsync(before: Hour0.AddHours(1));

        var stats = await _file.Store.GetStatsAsync(TestContext.Current.CancellationToken);

        Assert.Equal(90, stats.Samples);
        Assert.Equal(30, stats.PendingCompaction);
        Assert.Equal(60, stats.Tiers.Single(t => t.Tier == "raw").Samples);
        Assert.All(stats.Tiers.Where(t => t.Tier != "5m"), t => Assert.True(t.Bytes > 0, t.Tier));
        Assert.Equal(0, stats.Tiers.Single(t => t.Tier == "5m").Rows);
        Assert.True(stats.BytesPerSample > 0);
    }

    public ValueTask DisposeAsync()
    {
        _file.Dispose();
        GC.SuppressFinalize(this);
        return ValueTask.CompletedTask;
    }

    private HistoryQuery RawQuery(DateTimeOffset from, DateTimeOffset to) => new(_agent, from, to, null, 10_000);

    /// <summary>One sample a minute from <paramref name="start"/>, with CPU values that wander and a second check that comes and goes.</summary>
    private MetricsReport[] Minutes(DateTimeOffset start, int count) =>
        [.. Enumerable.Range(0, count).Select(i => Samples.Sample(_agent, start.AddMinutes(i), cpu: Math.Round(20 + (15 * Math.Sin(i / 7.0)), 2)) with
        {
            Network = i % 3 == 0
                ? [new NetworkCheck { Host = "db.internal", Port = 5432, Status = "up", LatencyMs = 1 + (i % 5), Kind = "tcp" }]
                : [new NetworkCheck { Host = "db.internal", Port = 5432, Status = "down", Error = "refused", Kind = "tcp" },
                   new NetworkCheck { Url = "https://example.org/health", Status = "up", StatusCode = 200, LatencyMs = i }],
        })];

    /// <summary>The answer's buckets equal those computed here from the raw samples, in count, min, max and (to rounding) avg.</summary>
    private static void AssertBuckets(IReadOnlyList<MetricsReport> samples, DateTimeOffset from, int stepSeconds, HistoryResponse answer)
    {
        var expected = samples
            .GroupBy(s => (long)Math.Floor((s.Timestamp!.Value - from).TotalSeconds / stepSeconds))
            .OrderBy(g => g.Key)
            .ToList();
        Assert.Equal(expected.Select(g => from.AddSeconds(g.Key * stepSeconds)), answer.Buckets!.Select(b => b.Start));
        foreach (var (group, bucket) in expected.Zip(answer.Buckets!))
        {
            var cpu = group.Select(s => s.System!.CpuPercent!.Value).ToList();
            Assert.Equal(cpu.Count, bucket.Count);
            Assert.Equal(cpu.Min(), bucket.CpuPercent.Min);
            Assert.Equal(cpu.Max(), bucket.CpuPercent.Max);
            Assert.Equal(cpu.Average(), bucket.CpuPercent.Avg, 9);
            var latency = group.SelectMany(s => s.Network!).Where(c => c.Url is not null).Select(c => c.LatencyMs!.Value).ToList();
            if (latency.Count > 0)
            {
                var series = bucket.Series!["check[https://example.org/health].latency_ms"];
                Assert.Equal((latency.Min(), latency.Max()), (series.Min, series.Max));
                Assert.Equal(latency.Average(), series.Avg, 9);
            }

            var reachable = group.SelectMany(s => s.Network!).Where(c => c.Host is not null).Select(c => c.Status == "up" ? 1.0 : 0).ToList();
            Assert.Equal(reachable.Average(), bucket.Series!["check[db.internal:5432].reachable"].Avg, 9);
        }
    }

    [Fact]
    public async Task Deleting_an_agent_removes_it_from_every_tier_and_its_next_sample_registers_it_anew()
    {
        var ct = TestContext.Current.CancellationToken;
        var other = Samples.NewAgentId("store");
        using var appender = _file.Store.OpenAppender();
        Commit(appender, Minutes(Hour0, 180));
        Commit(appender, Samples.Sample(other, Hour0.AddHours(2)));
        // Hour 0 leaves raw for the five-minute tier, hour 1 is a block, hour 2 stays in the head; both compacted hours are in the hourly tier.
        await _file.CompactAsync(before: Hour0.AddHours(2));
        await _file.Store.DeleteSamplesBeforeAsync(Hour0.AddHours(1), ct);
        var agentNo = _file.Scalar($"SELECT agent_no FROM agents WHERE agent_id = '{_agent}'");
        string[] tables = ["history_head", "history_blocks", "history_rollups", "agents"];
        Assert.All(tables, table => Assert.True(_file.Scalar($"SELECT count(*) FROM {table} WHERE agent_no = {agentNo}") > 0, table));

        var deleted = await _file.Store.DeleteAgentAsync(_agent, ct);
        var again = await _file.Store.DeleteAgentAsync(_agent, ct);

        Assert.True(deleted);
        Assert.False(again);
        Assert.All(tables, table => Assert.Equal(0, _file.Scalar($"SELECT count(*) FROM {table} WHERE agent_no = {agentNo}")));
        Assert.Null(await _file.Store.ReadAgentAsync(_agent, ct));
        Assert.Equal([other], (await _file.Store.ListAgentsAsync(null, 10, ct)).Select(a => a.AgentId));
        Assert.Single((await _file.QueryAsync(new HistoryQuery(other, Hour0, Hour0.AddHours(3), null, 10))).Samples!);

        // The appender that knew the agent's old number files the next sample under a new registration.
        Commit(appender, Samples.Sample(_agent, Hour0.AddHours(5)));
        Assert.Equal(Hour0.AddHours(5), (await _file.Store.ReadAgentAsync(_agent, ct))?.FirstSeen);
        Assert.Equal([Hour0.AddHours(5)], (await _file.QueryAsync(RawQuery(Hour0, Hour0.AddHours(6)))).Samples!.Select(s => s.Timestamp));
    }

    [Fact]
    public async Task Agents_are_listed_a_page_at_a_time_in_id_order_after_the_last_id_of_the_previous_page()
    {
        var ct = TestContext.Current.CancellationToken;
        string[] ids = ["page-b", "page-a", "page-e", "page-d", "page-c"];
        _file.Append([.. ids.Select(id => Samples.Sample(id, Hour0))]);

        var first = await _file.Store.ListAgentsAsync(null, 2, ct);
        var second = await _file.Store.ListAgentsAsync(first[^1].AgentId, 2, ct);
        var last = await _file.Store.ListAgentsAsync(second[^1].AgentId, 2, ct);

        Assert.Equal(["page-a", "page-b", "page-c", "page-d", "page-e"], first.Concat(second).Concat(last).Select(a => a.AgentId));
        Assert.Single(last);
        Assert.Equal(5, await _file.Store.CountAgentsAsync(ct));
    }

    /// <summary>Commits the samples as the history writer does, each with its registry row, received at its own time.</summary>
    private static void Commit(IHistoryAppender appender, params MetricsReport[] samples) =>
        appender.Commit([.. samples.Select(s => new HistoryRecord(s.AgentId!, s.Timestamp!.Value, s, MetricSeries.Detail(s),
            new RegistryEntry(s.AgentId!, s.Timestamp!.Value, 60, s.Timestamp!.Value, s.System!.CpuPercent!.Value, s.System.Memory!.Percent!.Value, s.System.Disk!.Percent!.Value)))]);

    private static string Json(HistoryResponse response) =>
        System.Text.Json.JsonSerializer.Serialize(response, MonitoringJsonContext.Default.HistoryResponse);
}
