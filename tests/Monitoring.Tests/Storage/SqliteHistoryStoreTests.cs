using Microsoft.Data.Sqlite;
using Monitoring.Silo.Storage;

namespace Monitoring.Tests.Storage;

/// <summary>The storage seam's suite on a real SQLite file, and what only a file has: its write lock and its disk.</summary>
public sealed class SqliteHistoryStoreTests : HistoryStoreTests
{
    protected override Task<StoreUnderTest> CreateStoreAsync(HistoryOptions? options = null) => Task.FromResult<StoreUnderTest>(new HistoryStoreFile(options));

    [Fact]
    public async Task The_write_probe_fails_within_its_timeout_while_another_writer_holds_the_lock_and_passes_once_it_is_free()
    {
        var ct = TestContext.Current.CancellationToken;
        using var file = new HistoryStoreFile();
        await file.Store.ProbeWriteAsync(TimeSpan.FromSeconds(1), ct);
        await using var holder = new SqliteConnection($"Data Source={file.Path}");
        await holder.OpenAsync(ct);
        await using var hold = holder.CreateCommand();
        hold.CommandText = "BEGIN IMMEDIATE;";
        await hold.ExecuteNonQueryAsync(ct);
        var clock = System.Diagnostics.Stopwatch.StartNew();

        await Assert.ThrowsAsync<SqliteException>(() => file.Store.ProbeWriteAsync(TimeSpan.FromSeconds(1), ct));

        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(0.9), TimeSpan.FromSeconds(5));
        hold.CommandText = "ROLLBACK;";
        await hold.ExecuteNonQueryAsync(ct);
        await file.Store.ProbeWriteAsync(TimeSpan.FromSeconds(1), ct);
        Assert.NotNull(file.Store.FreeDiskBytes());
    }
}
