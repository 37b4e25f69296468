using System.Collections.Concurrent;
using System.Data.Common;
using Microsoft.Extensions.Options;
using Monitoring.Abstractions;
using Monitoring.Contracts;
using Monitoring.Silo.Storage.Blocks;

namespace Monitoring.Silo.Storage;

/// <summary>
/// History and the fleet registry in any SQL database, with the statements every backend shares: new samples go to
/// <c>history_head</c> as compact binary rows; the compactor turns each agent's hour of them into compressed column blocks
/// (<c>history_blocks</c>) and 5-minute and 1-hour rollups (<c>history_rollups</c>). A backend supplies its connections,
/// its appender and the few statements its dialect says otherwise. Queries each take their own pooled connection.
/// </summary>
public abstract partial class BlockHistoryStore(
    IOptions<HistoryOptions> options,
    TimeProvider timers) : IHistoryStore
{
    /// <summary>Rows per retention delete: each is its own short transaction, so the writer never waits long for the lock.</summary>
    private const int DeleteChunk = 5000;

    private static readonly TimeSpan DeletePause = TimeSpan.FromMilliseconds(10);

    protected SeriesCatalog Catalog { get; } = new();

    /// <summary>Agents deleted since the appender last looked: it forgets their cached numbers before its next commit.</summary>
    protected ConcurrentQueue<string> ForgottenAgents { get; } = new();

    /// <summary>The dialect's function for the larger of two values (SQLite's scalar <c>max</c>, PostgreSQL's <c>greatest</c>).</summary>
    protected abstract string Greatest { get; }

    public abstract IHistoryAppender OpenAppender();

    public abstract Task<int> UpgradeAsync(int maxRows, CancellationToken cancellationToken = default);

    public abstract Task ProbeWriteAsync(TimeSpan timeout, CancellationToken cancellationToken = default);

    public abstract long? FreeDiskBytes();

    /// <summary>An open connection from the backend's pool.</summary>
    protected abstract DbConnection Open();

    /// <summary>
    /// The database of alert history and the notification outbox, which retention also sweeps: the SQLite file on either
    /// backend, as those tables are not on PostgreSQL.
    /// </summary>
    protected abstract DbConnection OpenAlertStore();

    /// <summary>Whether a previous release's one-row-per-sample <c>history</c> table is still there (only SQLite files had one).</summary>
    protected virtual bool HasLegacyTable(DbConnection connection) => false;

    private const string RegistryColumns = """
        a.agent_id, a.agent_name, a.first_seen, a.last_seen, a.interval_seconds, a.latest_ts, a.cpu_percent, a.memory_percent,
        a.disk_percent, a.watched_since
        """;

    public async Task<IReadOnlyList<RegisteredAgent>> ListAgentsAsync(string? after, int limit, CancellationToken cancellationToken = default)
    {
        await SqliteConnections.OffScheduler();
        await using var connection = Open();
        await using var command = connection.CreateCommand();
        // The unique index on agent_id serves both the seek and the order; the cursor compares in the same collation, so no agent comes twice.
        command.CommandText = $"SELECT {RegistryColumns} FROM agents a WHERE a.agent_id > @after ORDER BY a.agent_id LIMIT @limit;";
        command.Add("@after", after ?? string.Empty);
        command.Add("@limit", limit);
        var agents = new List<RegisteredAgent>();
        await using var rows = await command.ExecuteReaderAsync(cancellationToken);
        while (await rows.ReadAsync(cancellationToken))
        {
            agents.Add(RegistryRow(rows));
        }

        return agents;
    }

    public async Task<IReadOnlyList<AgentLatest>> ReadFleetLatestAsync(CancellationToken cancellationToken = default)
    {
        await SqliteConnections.OffScheduler();
        await using var connection = Open();
        var newest = new List<(RegisteredAgent Agent, byte[]? Row)>();
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = $"""
                SELECT {RegistryColumns}, h.sample FROM agents a
                LEFT JOIN history_head h ON h.agent_no = a.agent_no AND h.ts = (SELECT max(ts) FROM history_head WHERE agent_no = a.agent_no)
                ORDER BY a.agent_id;
                """;
            await using var rows = await command.ExecuteReaderAsync(cancellationToken);
            while (await rows.ReadAsync(cancellationToken))
            {
                newest.Add((RegistryRow(rows), rows.IsDBNull(10) ? null : (byte[])rows.GetValue(10)));
            }
        }

        // Series names only once the reader is closed: a PostgreSQL connection runs one command at a time.
        var agents = new List<AgentLatest>(newest.Count);
        foreach (var (agent, row) in newest)
        {
            agents.Add(new AgentLatest(agent, row is null ? RegistryHeadlines(agent) : Named(connection, row)));
        }

        return agents;
    }

    private List<KeyValuePair<string, double>> Named(DbConnection connection, byte[] row)
    {
        var numbered = SampleRowCodec.Decode(row);
        var values = new List<KeyValuePair<string, double>>(numbered.Count);
        foreach (var (series, value) in numbered)
        {
            values.Add(new(Catalog.Name(connection, series), value));
        }

        return values;
    }

    private static List<KeyValuePair<string, double>> RegistryHeadlines(RegisteredAgent agent)
    {
        var values = new List<KeyValuePair<string, double>>(3);
        foreach (var (series, value) in (ReadOnlySpan<(string, double?)>)[
            (MetricSeries.CpuPercent, agent.CpuPercent), (MetricSeries.MemoryPercent, agent.MemoryPercent), (MetricSeries.DiskPercent, agent.DiskPercent)])
        {
            if (value is { } known)
            {
                values.Add(new(series, known));
            }
        }

        return values;
    }

    /// <summary>A row that begins with <see cref="RegistryColumns"/>.</summary>
    private static RegisteredAgent RegistryRow(DbDataReader rows) => new(
        rows.GetString(0),
        rows.GetString(1),
        UnixMicroseconds.ToTime(rows.GetInt64(2)),
        UnixMicroseconds.ToTime(rows.GetInt64(3)),
        rows.GetDouble(4),
        rows.IsDBNull(5) ? null : UnixMicroseconds.ToTime(rows.GetInt64(5)),
        rows.IsDBNull(6) ? null : rows.GetDouble(6),
        rows.IsDBNull(7) ? null : rows.GetDouble(7),
        rows.IsDBNull(8) ? null : rows.GetDouble(8),
        rows.IsDBNull(9) ? null : UnixMicroseconds.ToTime(rows.GetInt64(9)));

    public async Task<long> CountAgentsAsync(CancellationToken cancellationToken = default)
    {
        await SqliteConnections.OffScheduler();
        await using var connection = Open();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM agents;";
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// One transaction over every history table that names the agent, then its rows in the alert store. The id goes to the
    /// appender first: it must not file a later sample under the agent's old number, which the delete frees.
    /// </summary>
    public async Task<bool> DeleteAgentAsync(string agentId, CancellationToken cancellationToken = default)
    {
        await SqliteConnections.OffScheduler();
        ForgottenAgents.Enqueue(agentId);
        await using (var connection = Open())
        {
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            if (await FindAgentAsync(connection, agentId, cancellationToken) is not { } agentNo)
            {
                return false;
            }

            var tables = HasLegacyTable(connection)
                ? (string[])["history_head", "history_blocks", "history_rollups", "history", "agents"]
                : ["history_head", "history_blocks", "history_rollups", "agents"];
            foreach (var table in tables)
            {
                await using var delete = connection.CreateCommand();
                delete.Transaction = transaction;
                delete.CommandText = $"DELETE FROM {table} WHERE agent_no = @agent_no;";
                delete.Add("@agent_no", agentNo);
                await delete.ExecuteNonQueryAsync(cancellationToken);
            }

            await transaction.CommitAsync(cancellationToken);
        }

        await using var alertStore = OpenAlertStore();
        await using var alerts = alertStore.CreateCommand();
        alerts.CommandText = "DELETE FROM alerts WHERE agent_id = @agent_id;";
        alerts.Add("@agent_id", agentId);
        await alerts.ExecuteNonQueryAsync(cancellationToken);
        return true;
    }

    public async Task UpdateAgentAsync(string agentId, AgentUpdate update, CancellationToken cancellationToken = default)
    {
        await SqliteConnections.OffScheduler();
        await using var connection = Open();
        await using var command = connection.CreateCommand();
        command.CommandText = $"""
            UPDATE agents SET agent_name = coalesce(@agent_name, agent_name), last_seen = {Greatest}(last_seen, coalesce(@last_seen, last_seen)),
                watched_since = coalesce(@watched_since, watched_since)
            WHERE agent_id = @agent_id;
            """;
        command.Add("@agent_id", agentId);
        command.Add("@agent_name", (object?)update.AgentName ?? DBNull.Value);
        command.Add("@last_seen", update.LastSeen is { } lastSeen ? (object)UnixMicroseconds.From(lastSeen) : DBNull.Value);
        command.Add("@watched_since", update.WatchedSince is { } watchedSince ? (object)UnixMicroseconds.From(watchedSince) : DBNull.Value);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<string>> AgentsSeenSinceAsync(DateTimeOffset since, CancellationToken cancellationToken = default)
    {
        await using var connection = Open();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT agent_id FROM agents WHERE last_seen >= @since;";
        command.Add("@since", UnixMicroseconds.From(since));
        var agents = new List<string>();
        await using var rows = await command.ExecuteReaderAsync(cancellationToken);
        while (await rows.ReadAsync(cancellationToken))
        {
            agents.Add(rows.GetString(0));
        }

        return agents;
    }

    /// <summary>
    /// Raw samples older than the cutoff, one agent-hour at a time and only once all of the hour is older: head rows are
    /// compacted first, then each hour's blocks are rolled into the 5-minute tier and deleted in the same transaction, so
    /// the tier takes over exactly what raw gives up. A previous release's rows are deleted outright.
    /// </summary>
    public async Task<long> DeleteSamplesBeforeAsync(DateTimeOffset cutoff, CancellationToken cancellationToken = default)
    {
        await using var connection = Open();
        var legacy = HasLegacyTable(connection);
        var before = UnixMicroseconds.From(cutoff);
        var deleted = 0L;
        foreach (var agentNo in AgentNumbers(connection))
        {
            foreach (var hour in ExpiredHours(connection, "history_head", "ts", agentNo, before))
            {
                CompactHour(connection, agentNo, hour);
            }

            foreach (var hour in ExpiredHours(connection, "history_blocks", "first_ts", agentNo, before))
            {
                cancellationToken.ThrowIfCancellationRequested();
                deleted += RollUpHour(connection, agentNo, hour);
                // A gap between two hours, so the history writer's next commit gets the lock.
                await Task.Delay(DeletePause, timers, cancellationToken);
            }

            if (legacy)
            {
                deleted += await DeleteAsync(connection, $"""
                    DELETE FROM history WHERE rowid IN (SELECT rowid FROM history WHERE agent_no = @agent_no AND ts < @cutoff LIMIT {DeleteChunk})
                    RETURNING 1;
                    """, cutoff, agentNo, cancellationToken);
            }
        }

        return deleted;
    }

    /// <summary>
    /// The hours of an agent with rows in <paramref name="table"/> that end at or before <paramref name="before"/>: whole
    /// hours only (blocks never cross an hour), so an hour the cutoff falls into is neither compacted early nor rolled up
    /// in part while it still receives samples.
    /// </summary>
    private static List<long> ExpiredHours(DbConnection connection, string table, string start, long agentNo, long before)
    {
        using var command = connection.CreateCommand();
        command.CommandText = $"""
            SELECT DISTINCT {start} - (({start} % {Rollups.Hour}) + {Rollups.Hour}) % {Rollups.Hour} AS hour FROM {table}
            WHERE agent_no = @agent_no AND {start} < @before ORDER BY hour;
            """;
        command.Add("@agent_no", agentNo);
        command.Add("@before", Rollups.Floor(before, Rollups.Hour));
        using var rows = command.ExecuteReader();
        var hours = new List<long>();
        while (rows.Read())
        {
            hours.Add(rows.GetInt64(0));
        }

        return hours;
    }

    /// <summary>Adds an hour's raw samples to the 5-minute tier and deletes its blocks, in one transaction; returns the samples.</summary>
    private static long RollUpHour(DbConnection connection, long agentNo, long hour)
    {
        using var transaction = connection.BeginTransaction();
        var samples = 0L;
        var buckets = new SortedDictionary<long, Dictionary<int, SeriesStats>>();
        using (var blocks = Command(connection, transaction, """
            DELETE FROM history_blocks WHERE agent_no = @agent_no AND first_ts >= @hour AND first_ts < @end RETURNING block;
            """, agentNo, hour))
        using (var rows = blocks.ExecuteReader())
        {
            while (rows.Read())
            {
                var block = SeriesBlockCodec.Decode((byte[])rows.GetValue(0), includeTexts: false);
                samples += block.Timestamps.Length;
                foreach (var (start, stats) in Rollups.Aggregate(block, Rollups.FiveMinutes))
                {
                    buckets[start] = buckets.TryGetValue(start, out var held) ? Merge(held, stats) : stats;
                }
            }
        }

        UpdateRollup(connection, transaction, agentNo, Rollups.FiveMinutes, hour, stored => Rollups.Combine(stored, buckets));
        transaction.Commit();
        return samples;
    }

    private static Dictionary<int, SeriesStats> Merge(Dictionary<int, SeriesStats> earlier, Dictionary<int, SeriesStats> later)
    {
        foreach (var (series, stats) in later)
        {
            earlier[series] = earlier.TryGetValue(series, out var held) ? held.Merge(stats) : stats;
        }

        return earlier;
    }

    /// <summary>A tier's UTC days that end at or before <paramref name="cutoff"/>.</summary>
    public async Task<long> DeleteRollupsBeforeAsync(long tier, DateTimeOffset cutoff, CancellationToken cancellationToken = default)
    {
        await using var connection = Open();
        var deleted = 0L;
        foreach (var agentNo in AgentNumbers(connection))
        {
            deleted += await DeleteAsync(connection, $"""
                DELETE FROM history_rollups WHERE agent_no = @agent_no AND tier = {tier} AND day IN (
                    SELECT day FROM history_rollups WHERE agent_no = @agent_no AND tier = {tier} AND day + {Rollups.Day} <= @cutoff LIMIT {DeleteChunk})
                RETURNING 1;
                """, cutoff, agentNo, cancellationToken);
        }

        return deleted;
    }

    public async Task<long> DeleteAlertRecordsBeforeAsync(DateTimeOffset cutoff, CancellationToken cancellationToken = default)
    {
        await using var connection = OpenAlertStore();
        var deleted = 0L;
        foreach (var (table, where) in (IEnumerable<(string, string)>)[
            ("alert_history", "at < @cutoff"),
            ("notifications", "at < @cutoff"),
            ("alerts", "at < @cutoff AND state IN ('resolved', 'inactive')"),
            ("notification_outbox", "queued_at < @cutoff AND state = 'failed'")])
        {
            deleted += await DeleteAsync(
                connection,
                $"DELETE FROM {table} WHERE rowid IN (SELECT rowid FROM {table} WHERE {where} LIMIT {DeleteChunk}) RETURNING 1;",
                cutoff,
                null,
                cancellationToken);
        }

        return deleted;
    }

    private static List<long> AgentNumbers(DbConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT agent_no FROM agents ORDER BY agent_no;";
        using var rows = command.ExecuteReader();
        var numbers = new List<long>();
        while (rows.Read())
        {
            numbers.Add(rows.GetInt64(0));
        }

        return numbers;
    }

    private static async Task<long?> FindAgentAsync(DbConnection connection, string agentId, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT agent_no FROM agents WHERE agent_id = @agent_id;";
        command.Add("@agent_id", agentId);
        return await command.ExecuteScalarAsync(cancellationToken) is long agentNo ? agentNo : null;
    }

    /// <summary>
    /// Runs a chunked delete (its statement deletes at most <see cref="DeleteChunk"/> rows and returns a count per row)
    /// until nothing is left, each chunk its own transaction; returns the sum of the counts.
    /// </summary>
    private async Task<long> DeleteAsync(DbConnection connection, string sql, DateTimeOffset cutoff, long? agentNo, CancellationToken cancellationToken)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Add("@cutoff", UnixMicroseconds.From(cutoff));
        if (agentNo is { } number)
        {
            command.Add("@agent_no", number);
        }

        long deleted = 0;
        int rows;
        do
        {
            cancellationToken.ThrowIfCancellationRequested();
            rows = 0;
            using (var returned = command.ExecuteReader())
            {
                while (returned.Read())
                {
                    rows++;
                    deleted += returned.GetInt64(0);
                }
            }

            if (rows == DeleteChunk)
            {
                // A gap between two chunks, so the history writer's next commit gets the lock.
                await Task.Delay(DeletePause, timers, cancellationToken);
            }
        }
        while (rows == DeleteChunk);

        return deleted;
    }
}
