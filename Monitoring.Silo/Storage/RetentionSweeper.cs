using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using Monitoring.Silo.History;

namespace Monitoring.Silo.Storage;

/// <summary>
/// Deletes what is past retention (<see cref="RetentionOptions"/>): history samples by their timestamp, one agent at a
/// time through the <c>(agent_no, ts)</c> index, and old alert transitions, notification attempts, resolved alerts and
/// deliveries that gave up. Every delete is a short transaction of at most <see cref="Chunk"/> rows, so the history
/// writer never waits long for the lock. Runs when the silo starts and then every sweep interval.
/// </summary>
public sealed partial class RetentionSweeper(
    SqliteConnections connections,
    IOptions<RetentionOptions> options,
    [FromKeyedServices(TimeProviderNames.Grains)] TimeProvider time,
    [FromKeyedServices(TimeProviderNames.SystemTimers)] TimeProvider timers,
    ILogger<RetentionSweeper> logger) : ILifecycleParticipant<ISiloLifecycle>
{
    private const int Chunk = 5000;
    private static readonly TimeSpan ChunkPause = TimeSpan.FromMilliseconds(10);

    private readonly CancellationTokenSource _stopping = new();

    public void Participate(ISiloLifecycle lifecycle)
    {
        var running = Task.CompletedTask;
        lifecycle.Subscribe(
            nameof(RetentionSweeper),
            ServiceLifecycleStage.Active,
            _ =>
            {
                running = Task.Run(LoopAsync, CancellationToken.None);
                return Task.CompletedTask;
            },
            async _ =>
            {
                await _stopping.CancelAsync();
                await running;
            });
    }

    /// <summary>One sweep: deletes everything past retention now, and says how many rows of each kind went.</summary>
    public async Task<RetentionSweep> SweepAsync(CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        var retention = options.Value;
        using var connection = connections.Open();
        var samples = 0L;
        if (retention.History > TimeSpan.Zero)
        {
            var cutoff = UnixMicroseconds.From(now - retention.History);
            foreach (var agentNo in AgentNumbers(connection))
            {
                samples += await DeleteAsync(connection, "history", "agent_no = @agent_no AND ts < @cutoff", cutoff, agentNo, cancellationToken);
            }
        }

        var alertRows = 0L;
        if (retention.Alerts > TimeSpan.Zero)
        {
            var cutoff = UnixMicroseconds.From(now - retention.Alerts);
            alertRows += await DeleteAsync(connection, "alert_history", "at < @cutoff", cutoff, null, cancellationToken);
            alertRows += await DeleteAsync(connection, "notifications", "at < @cutoff", cutoff, null, cancellationToken);
            alertRows += await DeleteAsync(connection, "alerts", "at < @cutoff AND state IN ('resolved', 'inactive')", cutoff, null, cancellationToken);
            alertRows += await DeleteAsync(connection, "notification_outbox", "queued_at < @cutoff AND state = 'failed'", cutoff, null, cancellationToken);
        }

        var sweep = new RetentionSweep(samples, alertRows);
        if (samples + alertRows > 0)
        {
            LogSwept(logger, samples, alertRows);
        }

        return sweep;
    }

    private async Task LoopAsync()
    {
        while (true)
        {
            try
            {
                await SweepAsync(_stopping.Token);
            }
            catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is SqliteException or InvalidOperationException)
            {
                // The store was busy or unreachable: what is past retention now is still there for the next sweep.
                LogSweepFailed(logger, e);
            }

            try
            {
                await Task.Delay(options.Value.SweepInterval, timers, _stopping.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
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

    /// <summary>Deletes the matching rows of one table, <see cref="Chunk"/> at a time, each chunk its own transaction.</summary>
    private async Task<long> DeleteAsync(
        SqliteConnection connection, string table, string where, long cutoff, long? agentNo, CancellationToken cancellationToken)
    {
        using var command = connection.CreateCommand();
        command.CommandText = $"DELETE FROM {table} WHERE rowid IN (SELECT rowid FROM {table} WHERE {where} LIMIT {Chunk});";
        command.Parameters.AddWithValue("@cutoff", cutoff);
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
            if (chunk == Chunk)
            {
                // A gap between two chunks, so the history writer's next commit gets the lock.
                await Task.Delay(ChunkPause, timers, cancellationToken);
            }
        }
        while (chunk == Chunk);

        return deleted;
    }

    [LoggerMessage(1, LogLevel.Information, "Retention deleted {Samples} history samples and {AlertRows} alert and notification rows")]
    private static partial void LogSwept(ILogger logger, long samples, long alertRows);

    [LoggerMessage(2, LogLevel.Warning, "A retention sweep failed; the next one runs after the sweep interval")]
    private static partial void LogSweepFailed(ILogger logger, Exception exception);
}

/// <summary>What one retention sweep deleted.</summary>
public sealed record RetentionSweep(long Samples, long AlertRows);
