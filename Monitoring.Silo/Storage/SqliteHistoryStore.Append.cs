using Microsoft.Data.Sqlite;
using Monitoring.Silo.History;
using Monitoring.Silo.Storage.Blocks;

namespace Monitoring.Silo.Storage;

public sealed partial class SqliteHistoryStore
{
    /// <summary>The writer's connection and statements; caches each agent's number once its row is known.</summary>
    private sealed class Appender(SqliteConnection connection, SeriesCatalog catalog) : IHistoryAppender
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
            INSERT INTO history_head (agent_no, ts, sample, network) VALUES (@agent_no, @ts, @sample, @network)
            ON CONFLICT DO NOTHING;
            """, "@agent_no", "@ts", "@sample", "@network");

        private readonly Dictionary<string, long> _agentNumbers = new(StringComparer.Ordinal);
        private readonly List<List<KeyValuePair<string, double>>> _values = [];
        private readonly List<KeyValuePair<int, double>> _numbered = [];

        public int Commit(IReadOnlyList<HistoryRecord> batch)
        {
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

            _numbered.Clear();
            foreach (var (name, value) in values)
            {
                catalog.TryGetNumber(name, out var number);
                _numbered.Add(new(number, value));
            }

            Set(_insert, "@agent_no", agentNo);
            Set(_insert, "@ts", UnixMicroseconds.From(record.Sample.Timestamp!.Value));
            Set(_insert, "@sample", SampleRowCodec.Encode(_numbered));
            Set(_insert, "@network", StoredSample.Network(record.Sample));
            return _insert.ExecuteNonQuery();
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
