using System.Collections.Concurrent;
using Microsoft.Data.Sqlite;
using Monitoring.Silo.Storage.Blocks;

namespace Monitoring.Silo.Storage;

public sealed partial class SqliteHistoryStore
{
    /// <summary>The writer's connection and statements; caches each agent's number once its row is known, until the agent is deleted.</summary>
    private sealed class Appender(SqliteConnection connection, SeriesCatalog catalog, ConcurrentQueue<string> forgotten) : IHistoryAppender
    {
        private readonly SqliteCommand _ensureAgent = Command(connection, """
            INSERT INTO agents (agent_id, agent_name, first_seen, last_seen, interval_seconds)
            VALUES (@agent_id, @agent_name, @seen, @seen, @interval)
            ON CONFLICT (agent_id) DO UPDATE SET agent_id = excluded.agent_id
            RETURNING agent_no;
            """, "@agent_id", "@agent_name", "@seen", "@interval");

        private readonly SqliteCommand _publish = Command(connection, """
            UPDATE agents SET agent_name = @agent_name, last_seen = max(last_seen, @last_seen), interval_seconds = @interval,
                latest_ts = @latest_ts, cpu_percent = @cpu, memory_percent = @memory, disk_percent = @disk
            WHERE agent_no = @agent_no;
            """, "@agent_no", "@agent_name", "@last_seen", "@interval", "@latest_ts", "@cpu", "@memory", "@disk");

        private readonly SqliteCommand _insert = Command(connection, """
            INSERT INTO history_head (agent_no, ts, received, sample, network) VALUES (@agent_no, @ts, @received, @sample, @network)
            ON CONFLICT DO NOTHING;
            """, "@agent_no", "@ts", "@received", "@sample", "@network");

        // The block that would hold a timestamp: the agent's last block starting at or before it (one index seek).
        private readonly SqliteCommand _coveringBlock = Command(connection, """
            SELECT rowid, last_ts FROM history_blocks WHERE agent_no = @agent_no AND first_ts <= @ts ORDER BY first_ts DESC LIMIT 1;
            """, "@agent_no", "@ts");

        private readonly SqliteCommand _readBlock = Command(connection, "SELECT block FROM history_blocks WHERE rowid = @rowid;", "@rowid");

        private readonly Dictionary<string, long> _agentNumbers = new(StringComparer.Ordinal);
        private readonly List<List<KeyValuePair<string, double>>> _values = [];
        private readonly List<KeyValuePair<int, double>> _numbered = [];

        public int Commit(IReadOnlyList<HistoryRecord> batch)
        {
            while (forgotten.TryDequeue(out var deleted))
            {
                _agentNumbers.Remove(deleted);
            }

            _values.Clear();
            foreach (var record in batch)
            {
                _values.Add(StoredSample.Values(record));
            }

            catalog.Ensure(connection, _values.SelectMany(v => v).Select(v => v.Key));
            try
            {
                var stored = 0;
                using var transaction = connection.BeginTransaction();
                _ensureAgent.Transaction = _publish.Transaction = _insert.Transaction = transaction;
                _coveringBlock.Transaction = _readBlock.Transaction = transaction;
                for (var i = 0; i < batch.Count; i++)
                {
                    stored += Write(batch[i], _values[i]);
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
            _ensureAgent.Dispose();
            _publish.Dispose();
            _insert.Dispose();
            _coveringBlock.Dispose();
            _readBlock.Dispose();
            connection.Dispose();
        }

        private int Write(HistoryRecord record, List<KeyValuePair<string, double>> values)
        {
            if (!_agentNumbers.TryGetValue(record.AgentId, out var agentNo))
            {
                Set(_ensureAgent, "@agent_id", record.AgentId);
                Set(_ensureAgent, "@agent_name", record.Sample.AgentName ?? record.AgentId);
                Set(_ensureAgent, "@seen", UnixMicroseconds.From(record.ReceivedAt));
                Set(_ensureAgent, "@interval", record.Registry?.IntervalSeconds ?? record.Sample.IntervalSeconds ?? 60);
                agentNo = (long)_ensureAgent.ExecuteScalar()!;
                _agentNumbers[record.AgentId] = agentNo;
            }

            if (record.Registry is { } registry)
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

            var ts = UnixMicroseconds.From(record.Sample.Timestamp!.Value);
            if (IsCompacted(agentNo, ts))
            {
                return 0;
            }

            _numbered.Clear();
            foreach (var (name, value) in values)
            {
                catalog.TryGetNumber(name, out var number);
                _numbered.Add(new(number, value));
            }

            Set(_insert, "@agent_no", agentNo);
            Set(_insert, "@ts", ts);
            Set(_insert, "@received", UnixMicroseconds.From(record.ReceivedAt));
            Set(_insert, "@sample", SampleRowCodec.Encode(_numbered));
            Set(_insert, "@network", StoredSample.Network(record.Sample));
            return _insert.ExecuteNonQuery();
        }

        /// <summary>
        /// Whether a block already holds the agent's sample at <paramref name="ts"/>: a sample re-sent after its hour was
        /// compacted is stored once. Only a timestamp inside a block's span costs a decode (of its timestamps alone).
        /// </summary>
        private bool IsCompacted(long agentNo, long ts)
        {
            Set(_coveringBlock, "@agent_no", agentNo);
            Set(_coveringBlock, "@ts", ts);
            long rowid;
            using (var covering = _coveringBlock.ExecuteReader())
            {
                if (!covering.Read() || covering.GetInt64(1) < ts)
                {
                    return false;
                }

                rowid = covering.GetInt64(0);
            }

            Set(_readBlock, "@rowid", rowid);
            var block = SeriesBlockCodec.Decode((byte[])_readBlock.ExecuteScalar()!, include: _ => false, includeTexts: false);
            return Array.BinarySearch(block.Timestamps, ts) >= 0;
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
