using System.Buffers;
using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Monitoring.Contracts;
using Monitoring.Silo.Storage;

namespace Monitoring.Silo.History;

/// <summary>
/// The silo's one writer of history: appends from every grain queue here and are committed together, one transaction
/// per batch (group commit), on one connection. Each append completes only once its transaction has committed.
/// It starts before grains can run and stops after they have all deactivated, writing whatever is still queued.
/// </summary>
public sealed partial class HistoryWriter(SqliteConnections connections, ILogger<HistoryWriter> logger) : ILifecycleParticipant<ISiloLifecycle>
{
    private const int MaxBatch = 1024;

    private readonly GroupCommitQueue<PendingAppend> _queue = new(MaxBatch);
    private readonly Dictionary<string, long> _agentNumbers = new(StringComparer.Ordinal);

    /// <summary>Appends one sample; completes when it is durable. A sample already stored for (agent, timestamp) is not stored again.</summary>
    public Task AppendAsync(HistoryRecord record)
    {
        var pending = new PendingAppend(record, Activity.Current?.Context ?? default);
        if (!_queue.TryQueue(pending))
        {
            throw new InvalidOperationException("The history writer has stopped.");
        }

        return pending.Committed.Task;
    }

    public void Participate(ISiloLifecycle lifecycle) => _queue.Participate(lifecycle, nameof(HistoryWriter), Run);

    private async Task Run()
    {
        using var connection = connections.Open();
        using var statements = new Statements(connection);
        await foreach (var batch in _queue.Batches())
        {
            Commit(connection, statements, batch);
        }
    }

    private void Commit(SqliteConnection connection, Statements statements, List<PendingAppend> batch)
    {
        // The links are built only when someone listens: this runs once per batch on the ingest path.
        using var activity = MonitoringTelemetry.Source.HasListeners()
            ? MonitoringTelemetry.Source.StartActivity(
                "history.write", ActivityKind.Internal, parentContext: default,
                links: batch.Where(p => p.Caller != default).Select(p => new ActivityLink(p.Caller)))
            : null;
        activity?.SetTag("monitoring.batch.size", batch.Count);
        var started = Stopwatch.GetTimestamp();
        try
        {
            var stored = 0;
            using (var transaction = connection.BeginTransaction())
            {
                statements.Enlist(transaction);
                foreach (var pending in batch)
                {
                    stored += Write(statements, pending.Record);
                }

                transaction.Commit();
            }

            MonitoringTelemetry.SamplesStored.Add(stored);
            MonitoringTelemetry.BatchSize.Record(batch.Count);
            MonitoringTelemetry.BatchDuration.Record(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            foreach (var pending in batch)
            {
                pending.Committed.TrySetResult();
            }
        }
        catch (Exception error)
        {
            // Whatever failed, the writer lives on for the next batch; this batch's callers get the error (their clients a 503).
            // The rolled-back transaction may have created agent rows this cache now names.
            _agentNumbers.Clear();
            activity?.SetStatus(ActivityStatusCode.Error, error.Message);
            Log.BatchFailed(logger, batch.Count, error);
            foreach (var pending in batch)
            {
                pending.Committed.TrySetException(error);
            }
        }
    }

    private int Write(Statements statements, HistoryRecord record)
    {
        if (!_agentNumbers.TryGetValue(record.AgentId, out var agentNo))
        {
            agentNo = statements.EnsureAgent(record);
            _agentNumbers[record.AgentId] = agentNo;
        }

        if (record.Registry is { } registry)
        {
            statements.PublishRegistry(agentNo, registry);
        }

        return statements.InsertSample(agentNo, record.Sample, record.Detail);
    }

    private sealed record PendingAppend(HistoryRecord Record, ActivityContext Caller)
    {
        public TaskCompletionSource Committed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    /// <summary>The writer's prepared statements, reused for every batch.</summary>
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

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Error, "Writing a history batch of {Count} samples failed; every caller in it gets the error")]
        public static partial void BatchFailed(ILogger logger, int count, Exception error);
    }
}
