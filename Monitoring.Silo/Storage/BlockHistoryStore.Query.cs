using System.Text.Json;
using System.Data.Common;
using Monitoring.Abstractions;
using Monitoring.Contracts;
using Monitoring.Silo.Storage.Blocks;

namespace Monitoring.Silo.Storage;

public abstract partial class BlockHistoryStore
{
    protected const string LegacyColumns = """
        ts, cpu_percent, memory_percent, memory_total, memory_used, memory_available,
        disk_percent, disk_total, disk_used, disk_free, network, detail
        """;

    public async Task<StoredAgent?> ReadAgentAsync(string agentId, CancellationToken cancellationToken = default)
    {
        await SqliteConnections.OffScheduler();
        await using var connection = Open();
        await using var agent = connection.CreateCommand();
        agent.CommandText = "SELECT agent_no, agent_name, first_seen, last_seen, interval_seconds, watched_since FROM agents WHERE agent_id = @agent_id;";
        agent.Add("@agent_id", agentId);
        long agentNo;
        StoredAgent stored;
        // Each reader is closed before the next command: a PostgreSQL connection runs one command at a time.
        await using (var row = await agent.ExecuteReaderAsync(cancellationToken))
        {
            if (!await row.ReadAsync(cancellationToken))
            {
                return null;
            }

            agentNo = row.GetInt64(0);
            stored = new StoredAgent(
                row.GetString(1),
                UnixMicroseconds.ToTime(row.GetInt64(2)),
                UnixMicroseconds.ToTime(row.GetInt64(3)),
                row.GetDouble(4),
                row.IsDBNull(5) ? null : UnixMicroseconds.ToTime(row.GetInt64(5)),
                null);
        }

        var latest = Newest(connection, agentNo);
        return stored with { Latest = latest is null ? null : StoredSample.ToHistorySample(latest.Timestamp, latest.Values, latest.Network) };
    }

    public async Task<HistoryResponse?> QueryAsync(HistoryQuery query, CancellationToken cancellationToken = default)
    {
        await SqliteConnections.OffScheduler();
        await using var connection = Open();
        if (await FindAgentAsync(connection, query.AgentId, cancellationToken) is not { } agentNo)
        {
            return null;
        }

        var selected = Selection(query.Series);
        return query.StepSeconds is { } stepSeconds
            ? Buckets(connection, agentNo, query, Math.Max(1L, (long)(stepSeconds * 1_000_000)), selected)
            : Raw(connection, agentNo, query, selected);
    }

    /// <summary>Which listed series an answer carries: all without <c>series=</c>, else those its globs match.</summary>
    private static Func<string, bool> Selection(IReadOnlyList<string>? globs)
    {
        if (globs is null)
        {
            return _ => true;
        }

        var patterns = globs.Select(Glob.ToRegex).ToArray();
        return series => Array.Exists(patterns, p => p.IsMatch(series));
    }

    private HistoryResponse Raw(DbConnection connection, long agentNo, HistoryQuery query, Func<string, bool> selected)
    {
        var from = UnixMicroseconds.From(query.From);
        var to = UnixMicroseconds.From(query.To);
        bool Needed(string series) => !StoredSample.IsListed(series) || series.StartsWith("memory.", StringComparison.Ordinal) || selected(series);

        var extras = Unblocked(connection, agentNo, from, to);
        var samples = new SortedDictionary<long, RawSample>();
        var limit = query.MaxPoints + 1;
        foreach (var (firstTs, block) in Blocks(connection, agentNo, from, to))
        {
            if (samples.Count + extras.Count(e => e.Key < firstTs) >= limit)
            {
                break;
            }

            var decoded = Decode(connection, block, Needed, includeTexts: true);
            for (var i = 0; i < decoded.Timestamps.Length; i++)
            {
                var ts = decoded.Timestamps[i];
                if (ts >= from && ts < to)
                {
                    samples[ts] = new RawSample(ts, Row(connection, decoded, i), decoded.Texts?[i]);
                }
            }
        }

        foreach (var (ts, extra) in extras)
        {
            samples.TryAdd(ts, extra);
        }

        var answer = new List<HistorySample>();
        var values = 0L;
        var truncated = false;
        foreach (var sample in samples.Values)
        {
            var history = StoredSample.ToHistorySample(sample.Timestamp, sample.Values, sample.Network);
            if (history.Series is { } series && query.Series is not null)
            {
                var kept = series.Where(s => selected(s.Key)).ToDictionary(StringComparer.Ordinal);
                history = history with { Series = kept.Count > 0 ? kept : null };
            }

            values += 3 + (history.Series?.Count ?? 0);
            if (answer.Count == query.MaxPoints || values > options.Value.MaxValuesPerAnswer)
            {
                truncated = true;
                break;
            }

            answer.Add(history);
        }

        return new HistoryResponse
        {
            AgentId = query.AgentId,
            From = query.From,
            To = query.To,
            Truncated = truncated,
            Samples = answer,
        };
    }

    private HistoryResponse Buckets(DbConnection connection, long agentNo, HistoryQuery query, long step, Func<string, bool> selected)
    {
        var from = UnixMicroseconds.From(query.From);
        var to = UnixMicroseconds.From(query.To);
        long tier = 0;
        foreach (var width in Rollups.Tiers)
        {
            if (query.AlignToTiers ? step >= width : step % width == 0 && Rollups.Floor(from, width) == from)
            {
                tier = width;
                break;
            }
        }

        if (tier > 0 && query.AlignToTiers)
        {
            from = Rollups.Floor(from, tier);
            step = (step + tier - 1) / tier * tier;
        }

        var buckets = new HistoryBuckets(from, step, (int)Math.Min(int.MaxValue, (to - from + step - 1) / step));
        bool Needed(string series) => !StoredSample.IsListed(series) || selected(series);
        var covered = tier > 0 ? AddRollups(connection, agentNo, tier, buckets, to, Needed) : [];

        var decodedHours = new Dictionary<long, HashSet<long>>();
        foreach (var (firstTs, block) in Blocks(connection, agentNo, from, to))
        {
            var hour = Rollups.Floor(firstTs, Rollups.Hour);
            if (covered.Contains(hour))
            {
                continue;
            }

            var decoded = Decode(connection, block, Needed, includeTexts: false);
            AddRaw(connection, buckets, decoded);
            if (!decodedHours.TryGetValue(hour, out var stamps))
            {
                decodedHours[hour] = stamps = [];
            }

            stamps.UnionWith(decoded.Timestamps);
        }

        foreach (var (ts, extra) in Unblocked(connection, agentNo, from, to))
        {
            var hour = Rollups.Floor(ts, Rollups.Hour);
            if (!decodedHours.TryGetValue(hour, out var stamps))
            {
                // A late sample in an hour already compacted: it counts unless the hour's blocks hold it already.
                decodedHours[hour] = stamps = covered.Contains(hour) ? BlockTimestamps(connection, agentNo, hour) : [];
            }

            if (!stamps.Contains(ts) && buckets.IndexOf(ts) is var bucket and >= 0)
            {
                buckets.AddSample(bucket);
                foreach (var (series, value) in extra.Values)
                {
                    if (Needed(series))
                    {
                        buckets.Add(bucket, series, value);
                    }
                }
            }
        }

        var (answer, truncated) = buckets.Build(selected, query.MaxPoints, options.Value.MaxValuesPerAnswer);
        return new HistoryResponse
        {
            AgentId = query.AgentId,
            From = UnixMicroseconds.ToTime(from),
            To = query.To,
            StepSeconds = step / 1_000_000.0,
            Truncated = truncated,
            Buckets = answer,
        };
    }

    /// <summary>Adds the tier's buckets of every hour compacted and wholly inside the answer; returns those hours.</summary>
    private HashSet<long> AddRollups(DbConnection connection, long agentNo, long tier, HistoryBuckets buckets, long to, Func<string, bool> needed)
    {
        var covered = new HashSet<long>();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT block FROM history_rollups WHERE agent_no = @agent_no AND tier = @tier AND day >= @day AND day < @to ORDER BY day;";
        command.Add("@agent_no", agentNo);
        command.Add("@tier", tier);
        command.Add("@day", Rollups.Floor(buckets.From, Rollups.Day));
        command.Add("@to", to);
        var wanted = new Dictionary<int, bool>();
        bool Include(int column)
        {
            var kind = Rollups.KindOf(column);
            if (kind is Rollups.First or Rollups.Last)
            {
                return false;
            }

            var series = Rollups.SeriesOf(column);
            if (!wanted.TryGetValue(series, out var include))
            {
                wanted[series] = include = needed(Catalog.Name(connection, series));
            }

            return include;
        }

        var blocks = new List<byte[]>();
        using (var rows = command.ExecuteReader())
        {
            while (rows.Read())
            {
                blocks.Add((byte[])rows.GetValue(0));
            }
        }

        foreach (var block in blocks)
        {
            var decoded = SeriesBlockCodec.Decode(block, Include, includeTexts: false);
            var inside = new bool[decoded.Timestamps.Length];
            for (var i = 0; i < inside.Length; i++)
            {
                var hour = Rollups.Floor(decoded.Timestamps[i], Rollups.Hour);
                inside[i] = hour >= buckets.From && hour + Rollups.Hour <= to;
                if (inside[i])
                {
                    covered.Add(hour);
                }
            }

            foreach (var column in decoded.Columns)
            {
                var name = Catalog.Name(connection, Rollups.SeriesOf(column.SeriesId));
                var kind = Rollups.KindOf(column.SeriesId);
                var counts = kind == Rollups.Count && name == MetricSeries.CpuPercent;
                for (var i = 0; i < inside.Length; i++)
                {
                    if (inside[i] && (column.Present is null || column.Present[i]) && buckets.IndexOf(decoded.Timestamps[i]) is var bucket and >= 0)
                    {
                        buckets.AddAggregate(bucket, name, kind, column.Values[i]);
                        if (counts)
                        {
                            buckets.AddSamples(bucket, (long)column.Values[i]);
                        }
                    }
                }
            }
        }

        return covered;
    }

    private void AddRaw(DbConnection connection, HistoryBuckets buckets, SeriesBlock decoded)
    {
        foreach (var ts in decoded.Timestamps)
        {
            if (buckets.IndexOf(ts) is var bucket and >= 0)
            {
                buckets.AddSample(bucket);
            }
        }

        foreach (var column in decoded.Columns)
        {
            buckets.AddColumn(Catalog.Name(connection, column.SeriesId), decoded.Timestamps, column, _ => true);
        }
    }

    /// <summary>The blocks that may hold samples in <c>[from, to)</c>, oldest first (a block never spans more than an hour).</summary>
    private static List<(long FirstTs, byte[] Block)> Blocks(DbConnection connection, long agentNo, long from, long to)
    {
        using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT first_ts, block FROM history_blocks
            WHERE agent_no = @agent_no AND first_ts >= @earliest AND first_ts < @to AND last_ts >= @from ORDER BY first_ts;
            """;
        command.Add("@agent_no", agentNo);
        command.Add("@earliest", from - Rollups.Hour);
        command.Add("@from", from);
        command.Add("@to", to);
        using var rows = command.ExecuteReader();
        var blocks = new List<(long, byte[])>();
        while (rows.Read())
        {
            blocks.Add((rows.GetInt64(0), (byte[])rows.GetValue(1)));
        }

        return blocks;
    }

    private static HashSet<long> BlockTimestamps(DbConnection connection, long agentNo, long hour)
    {
        var stamps = new HashSet<long>();
        foreach (var (_, block) in Blocks(connection, agentNo, hour, hour + Rollups.Hour))
        {
            stamps.UnionWith(SeriesBlockCodec.Decode(block, _ => false, includeTexts: false).Timestamps);
        }

        return stamps;
    }

    private SeriesBlock Decode(DbConnection connection, byte[] block, Func<string, bool> needed, bool includeTexts)
    {
        var wanted = new Dictionary<int, bool>();
        return SeriesBlockCodec.Decode(
            block,
            series =>
            {
                if (!wanted.TryGetValue(series, out var include))
                {
                    wanted[series] = include = needed(Catalog.Name(connection, series));
                }

                return include;
            },
            includeTexts);
    }

    private Dictionary<string, double> Row(DbConnection connection, SeriesBlock block, int index)
    {
        var values = new Dictionary<string, double>(block.Columns.Count, StringComparer.Ordinal);
        foreach (var column in block.Columns)
        {
            if (column.Present is null || column.Present[index])
            {
                values[Catalog.Name(connection, column.SeriesId)] = column.Values[index];
            }
        }

        return values;
    }

    /// <summary>Samples in <c>[from, to)</c> not compacted yet: head rows, and the previous release's rows until upgraded.</summary>
    private SortedList<long, RawSample> Unblocked(DbConnection connection, long agentNo, long from, long to)
    {
        var samples = new SortedList<long, RawSample>();
        using (var head = connection.CreateCommand())
        {
            head.CommandText = "SELECT ts, sample, network FROM history_head WHERE agent_no = @agent_no AND ts >= @from AND ts < @to;";
            head.Add("@agent_no", agentNo);
            head.Add("@from", from);
            head.Add("@to", to);
            foreach (var sample in HeadSamples(connection, head))
            {
                samples[sample.Timestamp] = sample;
            }
        }

        if (HasLegacyTable(connection))
        {
            using var legacy = connection.CreateCommand();
            legacy.CommandText = $"SELECT {LegacyColumns} FROM history WHERE agent_no = @agent_no AND ts >= @from AND ts < @to;";
            legacy.Add("@agent_no", agentNo);
            legacy.Add("@from", from);
            legacy.Add("@to", to);
            using var rows = legacy.ExecuteReader();
            while (rows.Read())
            {
                var sample = LegacySample(rows);
                samples.TryAdd(sample.Timestamp, sample);
            }
        }

        return samples;
    }

    /// <summary>The head rows a command selects (ts, sample, network), read to the end before their series are named.</summary>
    private List<RawSample> HeadSamples(DbConnection connection, DbCommand command)
    {
        var rows = new List<(long Ts, byte[] Sample, string? Network)>();
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                rows.Add((reader.GetInt64(0), (byte[])reader.GetValue(1), reader.IsDBNull(2) ? null : reader.GetString(2)));
            }
        }

        return [.. rows.Select(row =>
        {
            var values = new Dictionary<string, double>(StringComparer.Ordinal);
            foreach (var (series, value) in SampleRowCodec.Decode(row.Sample))
            {
                values[Catalog.Name(connection, series)] = value;
            }

            return new RawSample(row.Ts, values, row.Network);
        })];
    }

    /// <summary>The newest stored sample of an agent, wherever it is: head, newest block or a previous release's row.</summary>
    private RawSample? Newest(DbConnection connection, long agentNo)
    {
        RawSample? newest = null;
        using (var head = connection.CreateCommand())
        {
            head.CommandText = "SELECT ts, sample, network FROM history_head WHERE agent_no = @agent_no ORDER BY ts DESC LIMIT 1;";
            head.Add("@agent_no", agentNo);
            newest = HeadSamples(connection, head).SingleOrDefault();
        }

        using (var block = connection.CreateCommand())
        {
            block.CommandText = "SELECT last_ts, block FROM history_blocks WHERE agent_no = @agent_no ORDER BY first_ts DESC LIMIT 1;";
            block.Add("@agent_no", agentNo);
            byte[]? newer = null;
            using (var rows = block.ExecuteReader())
            {
                if (rows.Read() && (newest is null || rows.GetInt64(0) > newest.Timestamp))
                {
                    newer = (byte[])rows.GetValue(1);
                }
            }

            if (newer is not null)
            {
                var decoded = SeriesBlockCodec.Decode(newer);
                var last = decoded.Timestamps.Length - 1;
                newest = new RawSample(decoded.Timestamps[last], Row(connection, decoded, last), decoded.Texts?[last]);
            }
        }

        if (HasLegacyTable(connection))
        {
            using var legacy = connection.CreateCommand();
            legacy.CommandText = $"SELECT {LegacyColumns} FROM history WHERE agent_no = @agent_no ORDER BY ts DESC LIMIT 1;";
            legacy.Add("@agent_no", agentNo);
            using var rows = legacy.ExecuteReader();
            if (rows.Read() && (newest is null || rows.GetInt64(0) > newest.Timestamp))
            {
                newest = LegacySample(rows);
            }
        }

        return newest;
    }

    /// <summary>A row of the previous release's <c>history</c> table (<see cref="LegacyColumns"/>) under today's series names.</summary>
    protected static RawSample LegacySample(DbDataReader row)
    {
        var values = new Dictionary<string, double>(StringComparer.Ordinal)
        {
            [MetricSeries.CpuPercent] = row.GetDouble(1),
            [MetricSeries.MemoryPercent] = row.GetDouble(2),
            [MetricSeries.DiskPercent] = row.GetDouble(6),
        };
        foreach (var (ordinal, series) in (ReadOnlySpan<(int, string)>)[
            (3, "memory.total"), (4, "memory.used"), (5, "memory.available"),
            (7, StoredSample.DiskTotal), (8, StoredSample.DiskUsed), (9, StoredSample.DiskFree)])
        {
            if (!row.IsDBNull(ordinal))
            {
                values[series] = row.GetInt64(ordinal);
            }
        }

        if (!row.IsDBNull(11))
        {
            foreach (var (series, value) in JsonSerializer.Deserialize(row.GetString(11), MonitoringJsonContext.Default.DictionaryStringDouble) ?? [])
            {
                values[series] = value;
            }
        }

        var network = row.IsDBNull(10) ? null : row.GetString(10);
        if (network is not null)
        {
            foreach (var check in JsonSerializer.Deserialize(network, MonitoringJsonContext.Default.IReadOnlyListNetworkCheck) ?? [])
            {
                foreach (var (series, value) in MetricSeries.Check(check))
                {
                    values[series] = value;
                }
            }
        }

        return new RawSample(row.GetInt64(0), values, network);
    }

    /// <summary>One stored sample with its values by series name.</summary>
    protected sealed record RawSample(long Timestamp, Dictionary<string, double> Values, string? Network);
}
