using System.Data.Common;
using Microsoft.Extensions.Options;

namespace Monitoring.Silo.Storage;

/// <summary>
/// Deletes what is past retention (<see cref="RetentionOptions"/>) through the store: history samples by their timestamp,
/// and old alert transitions, notification attempts, resolved alerts and deliveries that gave up, in short transactions
/// so the history writer never waits long for the lock. Runs when the silo starts and then every sweep interval.
/// </summary>
public sealed partial class RetentionSweeper(
    IHistoryStore store,
    IOptions<RetentionOptions> options,
    [FromKeyedServices(TimeProviderNames.Grains)] TimeProvider time,
    [FromKeyedServices(TimeProviderNames.SystemTimers)] TimeProvider timers,
    ILogger<RetentionSweeper> logger) : ILifecycleParticipant<ISiloLifecycle>
{
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
        var samples = retention.History > TimeSpan.Zero
            ? await store.DeleteSamplesBeforeAsync(now - retention.History, cancellationToken)
            : 0;
        var rollups = 0L;
        foreach (var (tier, keep) in (IEnumerable<(long, TimeSpan)>)[(Rollups.FiveMinutes, retention.FiveMinute), (Rollups.Hour, retention.Hourly)])
        {
            if (keep > TimeSpan.Zero)
            {
                rollups += await store.DeleteRollupsBeforeAsync(tier, now - keep, cancellationToken);
            }
        }

        var alertRows = retention.Alerts > TimeSpan.Zero
            ? await store.DeleteAlertRecordsBeforeAsync(now - retention.Alerts, cancellationToken)
            : 0;
        if (samples + rollups + alertRows > 0)
        {
            LogSwept(logger, samples, rollups, alertRows);
        }

        return new RetentionSweep(samples, alertRows, rollups);
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
            catch (Exception e) when (e is DbException or InvalidOperationException)
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

    [LoggerMessage(1, LogLevel.Information, "Retention deleted {Samples} history samples, {RollupDays} rollup days and {AlertRows} alert and notification rows")]
    private static partial void LogSwept(ILogger logger, long samples, long rollupDays, long alertRows);

    [LoggerMessage(2, LogLevel.Warning, "A retention sweep failed; the next one runs after the sweep interval")]
    private static partial void LogSweepFailed(ILogger logger, Exception exception);
}

/// <summary>What one retention sweep deleted.</summary>
public sealed record RetentionSweep(long Samples, long AlertRows, long RollupDays = 0);
