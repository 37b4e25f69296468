using System.Data.Common;
using Microsoft.Extensions.Options;

namespace Monitoring.Silo.Storage;

/// <summary>
/// The silo's background storage work: converts a previous release's history in chunks, then, every compaction interval,
/// compacts each agent's hours of new samples into blocks and rollups once they are <see cref="HistoryOptions.CompactionDelay"/>
/// old. Each step is one short transaction, and a pause between steps lets the history writer's commits in.
/// </summary>
public sealed partial class HistoryCompactor(
    IHistoryStore store,
    IOptions<HistoryOptions> options,
    [FromKeyedServices(TimeProviderNames.Grains)] TimeProvider time,
    [FromKeyedServices(TimeProviderNames.SystemTimers)] TimeProvider timers,
    ILogger<HistoryCompactor> logger) : ILifecycleParticipant<ISiloLifecycle>
{
    private const int UpgradeChunk = 2000;
    private const int HoursPerPass = 16;
    private static readonly TimeSpan StepPause = TimeSpan.FromMilliseconds(2);

    private readonly CancellationTokenSource _stopping = new();

    public void Participate(ISiloLifecycle lifecycle)
    {
        var running = Task.CompletedTask;
        lifecycle.Subscribe(
            nameof(HistoryCompactor),
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

    /// <summary>Converts what a previous release stored, then compacts every hour that is due; returns the hours compacted.</summary>
    public async Task<int> RunOnceAsync(CancellationToken cancellationToken = default)
    {
        int moved;
        var upgraded = 0L;
        while ((moved = await store.UpgradeAsync(UpgradeChunk, cancellationToken)) > 0)
        {
            upgraded += moved;
            await Task.Delay(StepPause, timers, cancellationToken);
        }

        if (upgraded > 0)
        {
            LogUpgraded(logger, upgraded);
        }

        var hours = 0;
        int compacted;
        while ((compacted = await store.CompactAsync(time.GetUtcNow() - options.Value.CompactionDelay, HoursPerPass, cancellationToken)) > 0)
        {
            hours += compacted;
            await Task.Delay(StepPause, timers, cancellationToken);
        }

        return hours;
    }

    private async Task LoopAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            try
            {
                await RunOnceAsync(_stopping.Token);
                await Task.Delay(options.Value.CompactionInterval, timers, _stopping.Token);
            }
            catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is DbException or InvalidOperationException or InvalidDataException)
            {
                // Nothing was lost: the hour's rows stay in the head until a later pass compacts them.
                LogFailed(logger, e);
                try
                {
                    await Task.Delay(options.Value.CompactionInterval, timers, _stopping.Token);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    [LoggerMessage(1, LogLevel.Information, "Converted {Samples} history samples stored by a previous release")]
    private static partial void LogUpgraded(ILogger logger, long samples);

    [LoggerMessage(2, LogLevel.Warning, "A history compaction pass failed; the next one runs after the compaction interval")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
