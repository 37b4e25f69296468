using System.Collections.Concurrent;
using Monitoring.Silo.Storage.Blocks;
using Npgsql;
using NpgsqlTypes;

namespace Monitoring.Silo.Storage.Postgres;

public sealed partial class PostgresHistoryStore
{
    /// <summary>
    /// The writer's connection: a batch is one transaction of a few statements whatever its size, each carrying every
    /// sample or agent of the batch as arrays (<c>unnest</c> turns them into rows): a multi-row insert of the head rows, one
    /// update of the registry rows, one look-up of the blocks that might already hold a re-sent sample.
    /// </summary>
    private sealed class Appender(NpgsqlConnection connection, SeriesCatalog catalog, ConcurrentQueue<string> forgotten) : IHistoryAppender
    {
        private readonly Dictionary<string, long> _agentNumbers = new(StringComparer.Ordinal);

        public int Commit(IReadOnlyList<HistoryRecord> batch)
        {
            while (forgotten.TryDequeue(out var deleted))
            {
                _agentNumbers.Remove(deleted);
            }

            var values = batch.Select(StoredSample.Values).ToList();
            catalog.Ensure(connection, values.SelectMany(v => v).Select(v => v.Key));
            try
            {
                using var transaction = connection.BeginTransaction();
                var agentNumbers = batch.Select(EnsureAgent).ToArray();
                Publish(batch, agentNumbers);
                var timestamps = batch.Select(r => UnixMicroseconds.From(r.Sample.Timestamp!.Value)).ToArray();
                var compacted = Compacted(agentNumbers, timestamps);
                var rows = Enumerable.Range(0, batch.Count).Where(i => !compacted.Contains((agentNumbers[i], timestamps[i]))).ToList();
                var stored = 0;
                if (rows.Count > 0)
                {
                    using var insert = new NpgsqlCommand("""
                        INSERT INTO history_head (agent_no, ts, received, sample, network)
                        SELECT * FROM unnest(@agent_no, @ts, @received, @sample, @network)
                        ON CONFLICT DO NOTHING;
                        """, connection, transaction);
                    insert.Parameters.Add(Array("agent_no", NpgsqlDbType.Bigint, rows.Select(i => agentNumbers[i]).ToArray()));
                    insert.Parameters.Add(Array("ts", NpgsqlDbType.Bigint, rows.Select(i => timestamps[i]).ToArray()));
                    insert.Parameters.Add(Array("received", NpgsqlDbType.Bigint, rows.Select(i => UnixMicroseconds.From(batch[i].ReceivedAt)).ToArray()));
                    insert.Parameters.Add(Array("sample", NpgsqlDbType.Bytea, rows.Select(i => Encode(values[i])).ToArray()));
                    insert.Parameters.Add(Array("network", NpgsqlDbType.Text, rows.Select(i => StoredSample.Network(batch[i].Sample)).ToArray()));
                    stored = insert.ExecuteNonQuery();
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

        public void Dispose() => connection.Dispose();

        private long EnsureAgent(HistoryRecord record)
        {
            if (_agentNumbers.TryGetValue(record.AgentId, out var agentNo))
            {
                return agentNo;
            }

            using var ensure = new NpgsqlCommand("""
                INSERT INTO agents (agent_id, agent_name, first_seen, last_seen, interval_seconds)
                VALUES (@agent_id, @agent_name, @seen, @seen, @interval)
                ON CONFLICT (agent_id) DO UPDATE SET agent_id = excluded.agent_id
                RETURNING agent_no;
                """, connection);
            ensure.Parameters.AddWithValue("agent_id", record.AgentId);
            ensure.Parameters.AddWithValue("agent_name", record.Sample.AgentName ?? record.AgentId);
            ensure.Parameters.AddWithValue("seen", UnixMicroseconds.From(record.ReceivedAt));
            ensure.Parameters.AddWithValue("interval", record.Registry?.IntervalSeconds ?? record.Sample.IntervalSeconds ?? 60);
            agentNo = (long)ensure.ExecuteScalar()!;
            _agentNumbers[record.AgentId] = agentNo;
            return agentNo;
        }

        /// <summary>Each agent's registry row as the batch's last entry for it has it (last seen only moves forward).</summary>
        private void Publish(IReadOnlyList<HistoryRecord> batch, long[] agentNumbers)
        {
            var latest = new Dictionary<long, RegistryEntry>();
            for (var i = 0; i < batch.Count; i++)
            {
                if (batch[i].Registry is { } registry)
                {
                    latest[agentNumbers[i]] = registry;
                }
            }

            if (latest.Count == 0)
            {
                return;
            }

            using var publish = new NpgsqlCommand("""
                UPDATE agents a SET agent_name = u.agent_name, last_seen = greatest(a.last_seen, u.last_seen), interval_seconds = u.interval,
                    latest_ts = u.latest_ts, cpu_percent = u.cpu, memory_percent = u.memory, disk_percent = u.disk
                FROM unnest(@agent_no, @agent_name, @last_seen, @interval, @latest_ts, @cpu, @memory, @disk)
                    AS u(agent_no, agent_name, last_seen, interval, latest_ts, cpu, memory, disk)
                WHERE a.agent_no = u.agent_no;
                """, connection);
            var entries = latest.ToList();
            publish.Parameters.Add(Array("agent_no", NpgsqlDbType.Bigint, entries.Select(e => e.Key).ToArray()));
            publish.Parameters.Add(Array("agent_name", NpgsqlDbType.Text, entries.Select(e => e.Value.AgentName).ToArray()));
            publish.Parameters.Add(Array("last_seen", NpgsqlDbType.Bigint, entries.Select(e => UnixMicroseconds.From(e.Value.LastSeen)).ToArray()));
            publish.Parameters.Add(Array("interval", NpgsqlDbType.Double, entries.Select(e => e.Value.IntervalSeconds).ToArray()));
            publish.Parameters.Add(Array("latest_ts", NpgsqlDbType.Bigint, entries.Select(e => UnixMicroseconds.From(e.Value.LatestTimestamp)).ToArray()));
            publish.Parameters.Add(Array("cpu", NpgsqlDbType.Double, entries.Select(e => e.Value.CpuPercent).ToArray()));
            publish.Parameters.Add(Array("memory", NpgsqlDbType.Double, entries.Select(e => e.Value.MemoryPercent).ToArray()));
            publish.Parameters.Add(Array("disk", NpgsqlDbType.Double, entries.Select(e => e.Value.DiskPercent).ToArray()));
            publish.ExecuteNonQuery();
        }

        /// <summary>
        /// The batch's samples that a block already holds: a sample re-sent after its hour was compacted is stored once.
        /// Only a block whose span covers one of the timestamps costs a decode (of its timestamps alone).
        /// </summary>
        private HashSet<(long AgentNo, long Ts)> Compacted(long[] agentNumbers, long[] timestamps)
        {
            using var covering = new NpgsqlCommand("""
                SELECT DISTINCT b.agent_no, b.first_ts, b.block FROM unnest(@agent_no, @ts) AS s(agent_no, ts)
                JOIN history_blocks b ON b.agent_no = s.agent_no AND b.first_ts <= s.ts AND b.last_ts >= s.ts;
                """, connection);
            covering.Parameters.Add(Array("agent_no", NpgsqlDbType.Bigint, agentNumbers));
            covering.Parameters.Add(Array("ts", NpgsqlDbType.Bigint, timestamps));
            var held = new HashSet<(long, long)>();
            using var rows = covering.ExecuteReader();
            while (rows.Read())
            {
                var agentNo = rows.GetInt64(0);
                foreach (var ts in SeriesBlockCodec.Decode((byte[])rows.GetValue(2), include: _ => false, includeTexts: false).Timestamps)
                {
                    held.Add((agentNo, ts));
                }
            }

            return held;
        }

        private byte[] Encode(List<KeyValuePair<string, double>> values) =>
            SampleRowCodec.Encode([.. values.Select(v => new KeyValuePair<int, double>(catalog.TryGetNumber(v.Key, out var number) ? number : throw new InvalidOperationException($"Series '{v.Key}' has no number."), v.Value))]);

        private static NpgsqlParameter Array<T>(string name, NpgsqlDbType type, T[] values) =>
            new(name, NpgsqlDbType.Array | type) { Value = values };
    }
}
