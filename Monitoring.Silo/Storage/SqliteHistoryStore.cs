using System.Buffers;
using System.Text;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Monitoring.Abstractions;
using Monitoring.Contracts;
using Monitoring.Silo.History;

namespace Monitoring.Silo.Storage;

/// <summary>
/// History, the fleet registry and retention on SQLite: one row per sample, unique on (agent, timestamp). Queries each
/// take their own pooled connection (WAL lets them run beside the writer); the one appender keeps its connection.
/// </summary>
public sealed class SqliteHistoryStore(
    SqliteConnections connections,
    [FromKeyedServices(TimeProviderNames.SystemTimers)] TimeProvider timers) : IHistoryStore
{
    /// <summary>Rows per retention delete: each is its own short transaction, so the writer never waits long for the lock.</summary>
    private const int DeleteChunk = 5000;

    private static readonly TimeSpan DeletePause = TimeSpan.FromMilliseconds(10);

    private const string SampleColumns = """
        ts, cpu_percent, memory_percent, memory_total, memory_used, memory_available,
        disk_percent, disk_total, disk_used, disk_free, network, detail
        """;

    // The bucket of every detail value and every check of the rows in range, named as MetricSeries names them.
    private const string DetailSeries = """
        SELECT (ts - @from) / @step AS bucket, d.key, avg(d.value), min(d.value), max(d.value)
        FROM history, json_each(history.detail) AS d
        WHERE agent_no = @agent_no AND ts >= @from AND ts < @until AND detail IS NOT NULL
        GROUP BY bucket, d.key;
        """;

    private const string CheckSeries = """
        SELECT bucket, 'check[' || target || '].' || name, avg(value), min(value), max(value) FROM (
            SELECT (ts - @from) / @step AS bucket,
                coalesce(c.value ->> 'url', (c.value ->> 'host') || coalesce(':' || (c.value ->> 'port'), '')) AS target,
                'latency_ms' AS name, c.value ->> 'latency_ms' AS value
            FROM history, json_each(history.network) AS c
            WHERE agent_no = @agent_no AND ts >= @from AND ts < @until AND network IS NOT NULL AND c.value ->> 'latency_ms' IS NOT NULL
            UNION ALL
            SELECT (ts - @from) / @step,
                coalesce(c.value ->> 'url', (c.value ->> 'host') || coalesce(':' || (c.value ->> 'port'), '')),
                'reachable', CASE WHEN c.value ->> 'status' IN ('up', 'degraded') THEN 1.0 ELSE 0.0 END
            FROM history, json_each(history.network) AS c
            WHERE agent_no = @agent_no AND ts >= @from AND ts < @until AND network IS NOT NULL)
        GROUP BY bucket, target, name;
        """;

    public IHistoryAppender OpenAppender() => new Appender(connections.Open());

    public async Task<StoredAgent?> ReadAgentAsync(string agentId, CancellationToken cancellationToken = default)
    {
        await using var connection = connections.Open();
        await using var agent = connection.CreateCommand();
        agent.CommandText = "SELECT agent_no, agent_name, first_seen, last_seen, interval_seconds FROM agents WHERE agent_id = @agent_id;";
        agent.Parameters.AddWithValue("@agent_id", agentId);
        long agentNo;
        string name;
        DateTimeOffset firstSeen, lastSeen;
        double interval;
        await using (var row = await agent.ExecuteReaderAsync(cancellationToken))
        {
            if (!await row.ReadAsync(cancellationToken))
            {
                return null;
            }

            (agentNo, name, firstSeen, lastSeen, interval) = (row.GetInt64(0), row.GetString(1),
                UnixMicroseconds.ToTime(row.GetInt64(2)), UnixMicroseconds.ToTime(row.GetInt64(3)), row.GetDouble(4));
        }

        await using var newest = connection.CreateCommand();
        newest.CommandText = $"SELECT {SampleColumns} FROM history WHERE agent_no = @agent_no ORDER BY ts DESC LIMIT 1;";
        newest.Parameters.AddWithValue("@agent_no", agentNo);
        await using var sample = await newest.ExecuteReaderAsync(cancellationToken);
        var latest = await sample.ReadAsync(cancellationToken) ? ReadSample(sample, 0) : null;
        return new StoredAgent(name, firstSeen, lastSeen, interval, latest);
    }

    public async Task<HistoryResponse?> QueryAsync(HistoryQuery query, CancellationToken cancellationToken = default)
    {
        await using var connection = connections.Open();
        var agentNo = await FindAgentAsync(connection, query.AgentId, cancellationToken);
        if (agentNo is null)
        {
            return null;
        }

        var from = UnixMicroseconds.From(query.From);
        var to = UnixMicroseconds.From(query.To);
        await using var command = connection.CreateCommand();
        command.Parameters.AddWithValue("@agent_no", agentNo.Value);
        command.Parameters.AddWithValue("@from", from);
        command.Parameters.AddWithValue("@to", to);
        command.Parameters.AddWithValue("@limit", query.MaxPoints + 1);
        if (query.StepSeconds is { } stepSeconds)
        {
            var step = Math.Max(1L, (long)(stepSeconds * 1_000_000));
            command.Parameters.AddWithValue("@step", step);
            command.CommandText = """
                SELECT (ts - @from) / @step AS bucket, count(*),
                    avg(cpu_percent), min(cpu_percent), max(cpu_percent),
                    avg(memory_percent), min(memory_percent), max(memory_percent),
                    avg(disk_percent), min(disk_percent), max(disk_percent)
                FROM history WHERE agent_no = @agent_no AND ts >= @from AND ts < @to
                GROUP BY bucket ORDER BY bucket LIMIT @limit;
                """;
            var buckets = new List<HistoryBucket>();
            await using var rows = await command.ExecuteReaderAsync(cancellationToken);
            while (await rows.ReadAsync(cancellationToken))
            {
                buckets.Add(new HistoryBucket
                {
                    Start = UnixMicroseconds.ToTime(from + (rows.GetInt64(0) * step)),
                    Count = rows.GetInt32(1),
                    CpuPercent = new Aggregate(rows.GetDouble(2), rows.GetDouble(3), rows.GetDouble(4)),
                    MemoryPercent = new Aggregate(rows.GetDouble(5), rows.GetDouble(6), rows.GetDouble(7)),
                    DiskPercent = new Aggregate(rows.GetDouble(8), rows.GetDouble(9), rows.GetDouble(10)),
                });
            }

            var truncated = buckets.Count > query.MaxPoints;
            if (truncated)
            {
                buckets.RemoveRange(query.MaxPoints, buckets.Count - query.MaxPoints);
            }

            await AddBucketSeriesAsync(connection, agentNo.Value, from, step, buckets, cancellationToken);
            return new HistoryResponse
            {
                AgentId = query.AgentId,
                From = query.From,
                To = query.To,
                StepSeconds = step / 1_000_000.0,
                Truncated = truncated,
                Buckets = buckets,
            };
        }

        command.CommandText = $"""
            SELECT {SampleColumns} FROM history
            WHERE agent_no = @agent_no AND ts >= @from AND ts < @to
            ORDER BY ts LIMIT @limit;
            """;
        var samples = new List<HistorySample>();
        await using (var rows = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await rows.ReadAsync(cancellationToken))
            {
                samples.Add(ReadSample(rows, 0));
            }
        }

        var cut = samples.Count > query.MaxPoints;
        return new HistoryResponse
        {
            AgentId = query.AgentId,
            From = query.From,
            To = query.To,
            Truncated = cut,
            Samples = cut ? samples[..query.MaxPoints] : samples,
        };
    }

    public async Task<IReadOnlyList<RegisteredAgent>> ListAgentsAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = connections.Open();
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT agent_id, agent_name, first_seen, last_seen, interval_seconds, latest_ts, cpu_percent, memory_percent, disk_percent
            FROM agents ORDER BY agent_id;
            """;
        var agents = new List<RegisteredAgent>();
        await using var rows = await command.ExecuteReaderAsync(cancellationToken);
        while (await rows.ReadAsync(cancellationToken))
        {
            agents.Add(new RegisteredAgent(
                rows.GetString(0),
                rows.GetString(1),
                UnixMicroseconds.ToTime(rows.GetInt64(2)),
                UnixMicroseconds.ToTime(rows.GetInt64(3)),
                rows.GetDouble(4),
                rows.IsDBNull(5) ? null : UnixMicroseconds.ToTime(rows.GetInt64(5)),
                rows.IsDBNull(6) ? null : rows.GetDouble(6),
                rows.IsDBNull(7) ? null : rows.GetDouble(7),
                rows.IsDBNull(8) ? null : rows.GetDouble(8)));
        }

        return agents;
    }

    public async Task<IReadOnlyList<string>> AgentsSeenSinceAsync(DateTimeOffset since, CancellationToken cancellationToken = default)
    {
        await using var connection = connections.Open();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT agent_id FROM agents WHERE last_seen >= @since;";
        command.Parameters.AddWithValue("@since", UnixMicroseconds.From(since));
        var agents = new List<string>();
        await using var rows = await command.ExecuteReaderAsync(cancellationToken);
        while (await rows.ReadAsync(cancellationToken))
        {
            agents.Add(rows.GetString(0));
        }

        return agents;
    }

    /// <summary>One agent at a time through the <c>(agent_no, ts)</c> index.</summary>
    public async Task<long> DeleteSamplesBeforeAsync(DateTimeOffset cutoff, CancellationToken cancellationToken = default)
    {
        await using var connection = connections.Open();
        var deleted = 0L;
        foreach (var agentNo in AgentNumbers(connection))
        {
            deleted += await DeleteAsync(connection, "history", "agent_no = @agent_no AND ts < @cutoff", cutoff, agentNo, cancellationToken);
        }

        return deleted;
    }

    public async Task<long> DeleteAlertRecordsBeforeAsync(DateTimeOffset cutoff, CancellationToken cancellationToken = default)
    {
        await using var connection = connections.Open();
        return await DeleteAsync(connection, "alert_history", "at < @cutoff", cutoff, null, cancellationToken)
            + await DeleteAsync(connection, "notifications", "at < @cutoff", cutoff, null, cancellationToken)
            + await DeleteAsync(connection, "alerts", "at < @cutoff AND state IN ('resolved', 'inactive')", cutoff, null, cancellationToken)
            + await DeleteAsync(connection, "notification_outbox", "queued_at < @cutoff AND state = 'failed'", cutoff, null, cancellationToken);
    }

    private static List<long> AgentNumbers(SqliteConnection connection)
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

    /// <summary>Deletes the matching rows of one table, <see cref="DeleteChunk"/> at a time, each chunk its own transaction.</summary>
    private async Task<long> DeleteAsync(
        SqliteConnection connection, string table, string where, DateTimeOffset cutoff, long? agentNo, CancellationToken cancellationToken)
    {
        using var command = connection.CreateCommand();
        command.CommandText = $"DELETE FROM {table} WHERE rowid IN (SELECT rowid FROM {table} WHERE {where} LIMIT {DeleteChunk});";
        command.Parameters.AddWithValue("@cutoff", UnixMicroseconds.From(cutoff));
        if (agentNo is { } number)
        {
            command.Parameters.AddWithValue("@agent_no", number);
        }

        long deleted = 0;
        int chunk;
        do
        {
            cancellationToken.ThrowIfCancellationRequested();
            chunk = command.ExecuteNonQuery();
            deleted += chunk;
            if (chunk == DeleteChunk)
            {
                // A gap between two chunks, so the history writer's next commit gets the lock.
                await Task.Delay(DeletePause, timers, cancellationToken);
            }
        }
        while (chunk == DeleteChunk);

        return deleted;
    }

    /// <summary>Adds to each bucket the aggregates of every detail and check series of its rows, in two SQL passes.</summary>
    private static async Task AddBucketSeriesAsync(
        SqliteConnection connection, long agentNo, long from, long step, List<HistoryBucket> buckets, CancellationToken cancellationToken)
    {
        if (buckets.Count == 0)
        {
            return;
        }

        var index = new Dictionary<long, Dictionary<string, Aggregate>>();
        foreach (var text in (string[])[DetailSeries, CheckSeries])
        {
            await using var command = connection.CreateCommand();
            command.CommandText = text;
            command.Parameters.AddWithValue("@agent_no", agentNo);
            command.Parameters.AddWithValue("@from", from);
            command.Parameters.AddWithValue("@step", step);
            command.Parameters.AddWithValue("@until", UnixMicroseconds.From(buckets[^1].Start) + step);
            await using var rows = await command.ExecuteReaderAsync(cancellationToken);
            while (await rows.ReadAsync(cancellationToken))
            {
                var bucket = rows.GetInt64(0);
                if (!index.TryGetValue(bucket, out var series))
                {
                    index[bucket] = series = new Dictionary<string, Aggregate>(StringComparer.Ordinal);
                }

                series[rows.GetString(1)] = new Aggregate(rows.GetDouble(2), rows.GetDouble(3), rows.GetDouble(4));
            }
        }

        for (var i = 0; i < buckets.Count; i++)
        {
            if (index.TryGetValue((UnixMicroseconds.From(buckets[i].Start) - from) / step, out var series))
            {
                buckets[i] = buckets[i] with { Series = series };
            }
        }
    }

    private static async Task<long?> FindAgentAsync(SqliteConnection connection, string agentId, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT agent_no FROM agents WHERE agent_id = @agent_id;";
        command.Parameters.AddWithValue("@agent_id", agentId);
        return await command.ExecuteScalarAsync(cancellationToken) is long agentNo ? agentNo : null;
    }

    private static HistorySample ReadSample(SqliteDataReader row, int first)
    {
        var network = row.IsDBNull(first + 10)
            ? []
            : JsonSerializer.Deserialize(row.GetString(first + 10), MonitoringJsonContext.Default.IReadOnlyListNetworkCheck) ?? [];
        var series = row.IsDBNull(first + 11)
            ? new Dictionary<string, double>(StringComparer.Ordinal)
            : JsonSerializer.Deserialize(row.GetString(first + 11), MonitoringJsonContext.Default.DictionaryStringDouble) ?? [];
        foreach (var (name, value) in network.SelectMany(MetricSeries.Check))
        {
            series[name] = value;
        }

        return ReadHeadline(row, first) with { Network = network, Series = series.Count > 0 ? series : null };
    }

    private static HistorySample ReadHeadline(SqliteDataReader row, int first) => new()
    {
        Timestamp = UnixMicroseconds.ToTime(row.GetInt64(first)),
        CpuPercent = row.GetDouble(first + 1),
        MemoryPercent = row.GetDouble(first + 2),
        Memory = new MemoryMetrics
        {
            Percent = row.GetDouble(first + 2),
            Total = NullableInt64(row, first + 3),
            Used = NullableInt64(row, first + 4),
            Available = NullableInt64(row, first + 5),
        },
        DiskPercent = row.GetDouble(first + 6),
        Disk = new DiskMetrics
        {
            Percent = row.GetDouble(first + 6),
            Total = NullableInt64(row, first + 7),
            Used = NullableInt64(row, first + 8),
            Free = NullableInt64(row, first + 9),
        },
        Network = [],
    };

    private static long? NullableInt64(SqliteDataReader row, int ordinal) => row.IsDBNull(ordinal) ? null : row.GetInt64(ordinal);
    /// <summary>The writer's connection and statements; caches each agent's number once its row is known.</summary>
    private sealed class Appender(SqliteConnection connection) : IHistoryAppender
    {
        private readonly Statements _statements = new(connection);
        private readonly Dictionary<string, long> _agentNumbers = new(StringComparer.Ordinal);

        public int Commit(IReadOnlyList<HistoryRecord> batch)
        {
            try
            {
                var stored = 0;
                using var transaction = connection.BeginTransaction();
                _statements.Enlist(transaction);
                foreach (var record in batch)
                {
                    stored += Write(record);
                }

                transaction.Commit();
                return stored;
            }
            catch
            {
                // The rolled-back transaction may have created agent rows this cache now names.
                _agentNumbers.Clear();
                throw;
            }
        }

        public void Dispose()
        {
            _statements.Dispose();
            connection.Dispose();
        }

        private int Write(HistoryRecord record)
        {
            if (!_agentNumbers.TryGetValue(record.AgentId, out var agentNo))
            {
                agentNo = _statements.EnsureAgent(record);
                _agentNumbers[record.AgentId] = agentNo;
            }

            if (record.Registry is { } registry)
            {
                _statements.PublishRegistry(agentNo, registry);
            }

            return _statements.InsertSample(agentNo, record.Sample, record.Detail);
        }
    }

    /// <summary>The appender's prepared statements, reused for every batch.</summary>
    private sealed class Statements : IDisposable
    {
        private readonly SqliteCommand _ensureAgent;
        private readonly SqliteCommand _publish;
        private readonly SqliteCommand _insert;

        public Statements(SqliteConnection connection)
        {
            _ensureAgent = Command(connection, """
                INSERT INTO agents (agent_id, agent_name, first_seen, last_seen, interval_seconds)
                VALUES (@agent_id, @agent_name, @seen, @seen, @interval)
                ON CONFLICT (agent_id) DO UPDATE SET agent_id = excluded.agent_id
                RETURNING agent_no;
                """, "@agent_id", "@agent_name", "@seen", "@interval");
            _publish = Command(connection, """
                UPDATE agents SET agent_name = @agent_name, last_seen = max(last_seen, @last_seen), interval_seconds = @interval,
                    latest_ts = @latest_ts, cpu_percent = @cpu, memory_percent = @memory, disk_percent = @disk
                WHERE agent_no = @agent_no;
                """, "@agent_no", "@agent_name", "@last_seen", "@interval", "@latest_ts", "@cpu", "@memory", "@disk");
            _insert = Command(connection, """
                INSERT INTO history (agent_no, ts, cpu_percent, memory_percent, memory_total, memory_used, memory_available,
                    disk_percent, disk_total, disk_used, disk_free, network, detail)
                VALUES (@agent_no, @ts, @cpu, @memory, @memory_total, @memory_used, @memory_available,
                    @disk, @disk_total, @disk_used, @disk_free, @network, @detail)
                ON CONFLICT DO NOTHING;
                """, "@agent_no", "@ts", "@cpu", "@memory", "@memory_total", "@memory_used", "@memory_available",
                "@disk", "@disk_total", "@disk_used", "@disk_free", "@network", "@detail");
        }

        public void Enlist(SqliteTransaction transaction)
        {
            _ensureAgent.Transaction = transaction;
            _publish.Transaction = transaction;
            _insert.Transaction = transaction;
        }

        public long EnsureAgent(HistoryRecord record)
        {
            Set(_ensureAgent, "@agent_id", record.AgentId);
            Set(_ensureAgent, "@agent_name", record.Sample.AgentName ?? record.AgentId);
            Set(_ensureAgent, "@seen", UnixMicroseconds.From(record.ReceivedAt));
            Set(_ensureAgent, "@interval", record.Registry?.IntervalSeconds ?? record.Sample.IntervalSeconds ?? 60);
            return (long)_ensureAgent.ExecuteScalar()!;
        }

        public void PublishRegistry(long agentNo, RegistryEntry registry)
        {
            Set(_publish, "@agent_no", agentNo);
            Set(_publish, "@agent_name", registry.AgentName);
            Set(_publish, "@last_seen", UnixMicroseconds.From(registry.LastSeen));
            Set(_publish, "@interval", registry.IntervalSeconds);
            Set(_publish, "@latest_ts", UnixMicroseconds.From(registry.LatestTimestamp));
            Set(_publish, "@cpu", registry.CpuPercent);
            Set(_publish, "@memory", registry.MemoryPercent);
            Set(_publish, "@disk", registry.DiskPercent);
            _publish.ExecuteNonQuery();
        }

        public int InsertSample(long agentNo, MetricsReport sample, IReadOnlyList<KeyValuePair<string, double>> detail)
        {
            var system = sample.System!;
            Set(_insert, "@agent_no", agentNo);
            Set(_insert, "@ts", UnixMicroseconds.From(sample.Timestamp!.Value));
            Set(_insert, "@cpu", system.CpuPercent!.Value);
            Set(_insert, "@memory", system.Memory!.Percent!.Value);
            Set(_insert, "@memory_total", system.Memory.Total);
            Set(_insert, "@memory_used", system.Memory.Used);
            Set(_insert, "@memory_available", system.Memory.Available);
            Set(_insert, "@disk", system.Disk!.Percent!.Value);
            Set(_insert, "@disk_total", system.Disk.Total);
            Set(_insert, "@disk_used", system.Disk.Used);
            Set(_insert, "@disk_free", system.Disk.Free);
            Set(_insert, "@network", sample.Network is { Count: > 0 } checks
                ? JsonSerializer.Serialize(checks, MonitoringJsonContext.Default.IReadOnlyListNetworkCheck)
                : null);
            Set(_insert, "@detail", DetailJson(detail));
            return _insert.ExecuteNonQuery();
        }

        public void Dispose()
        {
            _ensureAgent.Dispose();
            _publish.Dispose();
            _insert.Dispose();
        }

        /// <summary>The sample's detail series as one flat JSON object, which history queries aggregate with <c>json_each</c>.</summary>
        private static string? DetailJson(IReadOnlyList<KeyValuePair<string, double>> detail)
        {
            if (detail.Count == 0)
            {
                return null;
            }

            var buffer = new ArrayBufferWriter<byte>(detail.Count * 32);
            using (var json = new Utf8JsonWriter(buffer))
            {
                json.WriteStartObject();
                foreach (var (name, value) in detail)
                {
                    json.WriteNumber(name, value);
                }

                json.WriteEndObject();
            }

            return Encoding.UTF8.GetString(buffer.WrittenSpan);
        }

        private static SqliteCommand Command(SqliteConnection connection, string text, params string[] parameters)
        {
            var command = connection.CreateCommand();
            command.CommandText = text;
            foreach (var name in parameters)
            {
                command.Parameters.Add(new SqliteParameter { ParameterName = name });
            }

            return command;
        }

        private static void Set(SqliteCommand command, string name, object? value) =>
            command.Parameters[name].Value = value ?? DBNull.Value;
    }
}
