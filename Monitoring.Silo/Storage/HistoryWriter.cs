using System.Diagnostics;

namespace Monitoring.Silo.Storage;

/// <summary>
/// The silo's one writer of history: appends from every grain queue here and are committed together, one transaction
/// per batch (group commit), through the store's one appender. Each append completes only once its transaction has
/// committed. It starts before grains can run and stops after they have all deactivated, writing whatever is still queued.
/// </summary>
public sealed partial class HistoryWriter(IHistoryStore store, ILogger<HistoryWriter> logger) : ILifecycleParticipant<ISiloLifecycle>
{
    private const int MaxBatch = 1024;

    private readonly GroupCommitQueue<PendingAppend> _queue = new(MaxBatch);

    /// <summary>Appends one sample; completes when it is durable. A sample already stored for (agent, timestamp) is not stored again.</summary>
    public Task AppendAsync(HistoryRecord record)
    {
        return _queue.Enqueue(new PendingAppend(record, Activity.Current?.Context ?? default), "history writer");
    }

    public void Participate(ISiloLifecycle lifecycle) => _queue.Participate(lifecycle, nameof(HistoryWriter), Run);

    private async Task Run()
    {
        using var appender = store.OpenAppender();
        var records = new List<HistoryRecord>(MaxBatch);
        await foreach (var batch in _queue.Batches())
        {
            records.Clear();
            foreach (var pending in batch)
            {
                records.Add(pending.Record);
            }

            Commit(appender, batch, records);
        }
    }

    private void Commit(IHistoryAppender appender, List<PendingAppend> batch, List<HistoryRecord> records)
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
            var stored = appender.Commit(records);
            MonitoringTelemetry.SamplesStored.Add(stored);
            MonitoringTelemetry.BatchSize.Record(batch.Count);
            MonitoringTelemetry.BatchDuration.Record(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            GroupCommitQueue<PendingAppend>.Complete(batch, null);
        }
        catch (Exception error)
        {
            // Whatever failed, the writer lives on for the next batch; this batch's callers get the error (their clients a 503).
            activity?.SetStatus(ActivityStatusCode.Error, error.Message);
            Log.BatchFailed(logger, batch.Count, error);
            GroupCommitQueue<PendingAppend>.Complete(batch, error);
        }
    }

    private sealed record PendingAppend(HistoryRecord Record, ActivityContext Caller) : PendingCommit;

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Error, "Writing a history batch of {Count} samples failed; every caller in it gets the error")]
        public static partial void BatchFailed(ILogger logger, int count, Exception error);
    }
}
