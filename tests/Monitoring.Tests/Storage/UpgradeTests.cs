using System.Text.Json;
using Monitoring.Abstractions;
using Monitoring.Contracts;

namespace Monitoring.Tests.Storage;

/// <summary>
/// A database file written by the previous release (<c>PreviousRelease/</c>: commit 546abab's silo and API ingested three
/// agents through HTTP; the JSON files are that release's own answers) is upgraded in place with ingest running, and
/// every old sample answers queries as that release answered them, before, during and after the conversion.
/// </summary>
public sealed class UpgradeTests : IDisposable
{
    private static readonly string Folder = Path.Combine(AppContext.BaseDirectory, "Storage", "PreviousRelease");

    private readonly HistoryStoreFile _file = new(copyOf: Path.Combine(Folder, "monitoring-previous-release.db"));

    private static readonly string[] AnswerFiles = [.. Directory.GetFiles(Folder, "*.json").Select(f => Path.GetFileName(f)).Order()];

    public static TheoryData<string> Answers() => [.. AnswerFiles];

    [Theory]
    [MemberData(nameof(Answers))]
    public async Task Before_the_upgrade_queries_answer_as_the_previous_release_did(string answer) =>
        AssertSame(Expected(answer), await _file.QueryAsync(Query(Expected(answer))));

    [Fact]
    public async Task The_upgrade_moves_every_sample_in_chunks_with_ingest_running_and_answers_stay_the_same()
    {
        var during = Samples.NewAgentId("during-upgrade");
        var appended = new List<DateTimeOffset>();
        var chunks = 0;
        while (await _file.Store.UpgradeAsync(37, TestContext.Current.CancellationToken) > 0)
        {
            chunks++;
            var at = new DateTimeOffset(2026, 12, 1, 10, 0, 0, TimeSpan.Zero).AddMinutes(chunks);
            appended.Add(at);
            Assert.Equal(1, _file.Append(Samples.Sample(during, at)));
            foreach (var answer in AnswerFiles)
            {
                AssertSame(Expected(answer), await _file.QueryAsync(Query(Expected(answer))));
            }
        }

        await _file.CompactAsync();

        Assert.Equal(6, chunks);
        Assert.Equal(0, _file.Scalar("SELECT count(*) FROM sqlite_master WHERE name = 'history'"));
        Assert.Equal(0, _file.Scalar("SELECT count(*) FROM history_head"));
        var stats = await _file.Store.GetStatsAsync(TestContext.Current.CancellationToken);
        Assert.Equal(210 + appended.Count, stats.Samples);
        foreach (var answer in AnswerFiles)
        {
            AssertSame(Expected(answer), await _file.QueryAsync(Query(Expected(answer))));
        }

        var ingested = await _file.QueryAsync(new HistoryQuery(during, appended[0], appended[^1].AddSeconds(1), null, 100));
        Assert.Equal(appended, ingested.Samples!.Select(s => s.Timestamp));
        var latest = await _file.Store.ReadAgentAsync("fixture-full", TestContext.Current.CancellationToken);
        var newest = Expected("fixture-full.history.raw.json");
        Assert.Equal(Json(Sorted(newest with { Samples = [newest.Samples![^1]] })), Json(Sorted(newest with { Samples = [latest!.Latest!] })));
    }

    public void Dispose() => _file.Dispose();

    private static HistoryResponse Expected(string file) =>
        JsonSerializer.Deserialize(File.ReadAllText(Path.Combine(Folder, file)), MonitoringJsonContext.Default.HistoryResponse)!;

    private static HistoryQuery Query(HistoryResponse expected) =>
        new(expected.AgentId, expected.From, expected.To, expected.StepSeconds, 10_000);

    /// <summary>
    /// Raw samples must be identical (a JSON object's key order aside); buckets identical but for the last bits of an
    /// average (summed in another order).
    /// </summary>
    private static void AssertSame(HistoryResponse expected, HistoryResponse actual)
    {
        if (expected.Samples is not null)
        {
            Assert.Equal(Json(Sorted(expected)), Json(Sorted(actual)));
            return;
        }

        Assert.Equal((expected.From, expected.StepSeconds, expected.Truncated), (actual.From, actual.StepSeconds, actual.Truncated));
        Assert.Equal(expected.Buckets!.Select(b => (b.Start, b.Count)), actual.Buckets!.Select(b => (b.Start, b.Count)));
        foreach (var (want, got) in expected.Buckets!.Zip(actual.Buckets!))
        {
            AssertAggregate(want.CpuPercent, got.CpuPercent);
            AssertAggregate(want.MemoryPercent, got.MemoryPercent);
            AssertAggregate(want.DiskPercent, got.DiskPercent);
            Assert.Equal(want.Series?.Keys.Order().ToArray() ?? [], got.Series?.Keys.Order().ToArray() ?? []);
            foreach (var (series, aggregate) in want.Series ?? new Dictionary<string, Aggregate>())
            {
                AssertAggregate(aggregate, got.Series![series]);
            }
        }
    }

    private static void AssertAggregate(Aggregate want, Aggregate got)
    {
        Assert.Equal((want.Min, want.Max), (got.Min, got.Max));
        Assert.Equal(want.Avg, got.Avg, Math.Abs(want.Avg) * 1e-12);
    }

    private static HistoryResponse Sorted(HistoryResponse response) => response with
    {
        Samples = [.. response.Samples!.Select(s => s with { Series = s.Series?.OrderBy(p => p.Key, StringComparer.Ordinal).ToDictionary() })],
    };

    private static string Json(HistoryResponse response) => JsonSerializer.Serialize(response, MonitoringJsonContext.Default.HistoryResponse);
}
