using System.Text.Json;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using Monitoring.Abstractions;
using Monitoring.Contracts;
using Monitoring.Silo.Alerts;
using Monitoring.Silo.Ingest;
using Monitoring.Silo.Storage;

namespace Monitoring.Silo.History;

/// <summary>Queries of history and of the fleet registry, each on its own pooled connection (WAL lets them run beside the writer).</summary>
public sealed class HistoryReader(SqliteConnections connections, IOptions<AlertingOptions> alerting, [FromKeyedServices(TimeProviderNames.Grains)] TimeProvider time)
{
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

    /// <summary>The newest stored sample of an agent and its registry row, or null for an agent never stored.</summary>
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

    public async Task<AgentList> ListAgentsAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = connections.Open();
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT agent_id, agent_name, first_seen, last_seen, interval_seconds, latest_ts, cpu_percent, memory_percent, disk_percent
            FROM agents ORDER BY agent_id;
            """;
        var now = time.GetUtcNow();
        var missed = alerting.Value.MissedIntervalsBeforeDown;
        var agents = new List<AgentSummary>();
        await using var rows = await command.ExecuteReaderAsync(cancellationToken);
        while (await rows.ReadAsync(cancellationToken))
        {
            var lastSeen = UnixMicroseconds.ToTime(rows.GetInt64(3));
            var interval = rows.GetDouble(4);
            agents.Add(new AgentSummary
            {
                AgentId = rows.GetString(0),
                AgentName = rows.GetString(1),
                FirstSeen = UnixMicroseconds.ToTime(rows.GetInt64(2)),
                LastSeen = lastSeen,
                IntervalSeconds = interval,
                Status = Liveness.Status(now, lastSeen, interval, missed),
                LastSampleAt = rows.IsDBNull(5) ? null : UnixMicroseconds.ToTime(rows.GetInt64(5)),
                CpuPercent = rows.IsDBNull(6) ? null : rows.GetDouble(6),
                MemoryPercent = rows.IsDBNull(7) ? null : rows.GetDouble(7),
                DiskPercent = rows.IsDBNull(8) ? null : rows.GetDouble(8),
            });
        }

        return new AgentList(agents);
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
}

/// <summary>What the store knows of an agent when its grain activates.</summary>
public sealed record StoredAgent(string AgentName, DateTimeOffset FirstSeen, DateTimeOffset LastSeen, double IntervalSeconds, HistorySample? Latest);
