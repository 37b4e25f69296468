using System.Threading.Channels;
using Microsoft.Data.Sqlite;

namespace Monitoring.Silo.Storage;

/// <summary>
/// The queue of one of the silo's single writers (group commit): items from every grain queue here, and the writer's one
/// long-running loop takes them in batches of up to <c>maxBatch</c>. The loop starts before grains can run; when the
/// silo stops, the queue takes no more items and the loop ends once what is queued is written, since each item belongs to
/// a caller waiting for it.
/// </summary>
public sealed class GroupCommitQueue<TItem>(int maxBatch)
    where TItem : PendingCommit
{
    private readonly Channel<TItem> _queue = Channel.CreateUnbounded<TItem>(new UnboundedChannelOptions { SingleReader = true });

    /// <summary>Queues an item; false once the writer has stopped.</summary>
    public bool TryQueue(TItem item) => _queue.Writer.TryWrite(item);

    /// <summary>Queues an item; completes once its batch is committed, and throws once <paramref name="writer"/> has stopped.</summary>
    public Task Enqueue(TItem item, string writer) =>
        TryQueue(item) ? item.Committed.Task : throw new InvalidOperationException($"The {writer} has stopped.");

    /// <summary>
    /// Runs <paramref name="write"/> over a batch in one transaction, then tells every caller in it: done once committed,
    /// else the error, after <paramref name="failed"/> has logged it (the writer lives on for the next batch).
    /// </summary>
    public static void Commit(SqliteConnection connection, List<TItem> batch, Action<SqliteTransaction> write, Action<Exception> failed)
    {
        try
        {
            using (var transaction = connection.BeginTransaction())
            {
                write(transaction);
                transaction.Commit();
            }

            Complete(batch, null);
        }
        catch (Exception error)
        {
            failed(error);
            Complete(batch, error);
        }
    }

    /// <summary>Tells every caller in a batch that it is durable, or why it is not.</summary>
    public static void Complete(List<TItem> batch, Exception? error)
    {
        foreach (var pending in batch)
        {
            _ = error is null ? pending.Committed.TrySetResult() : pending.Committed.TrySetException(error);
        }
    }

    /// <summary>Runs <paramref name="run"/> (the writer's loop over <see cref="Batches"/>) for the silo's lifetime.</summary>
    public void Participate(ISiloLifecycle lifecycle, string name, Func<Task> run)
    {
        Task running = Task.CompletedTask;
        lifecycle.Subscribe(
            name,
            ServiceLifecycleStage.ApplicationServices,
            _ =>
            {
                running = Task.Factory.StartNew(run, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default).Unwrap();
                return Task.CompletedTask;
            },
            _ =>
            {
                _queue.Writer.TryComplete();
                return running;
            });
    }

    /// <summary>Everything queued, a batch at a time, until the writer stops; a batch is reused once the loop moves on.</summary>
    public async IAsyncEnumerable<List<TItem>> Batches()
    {
        var batch = new List<TItem>(maxBatch);
        var reader = _queue.Reader;
        while (await reader.WaitToReadAsync())
        {
            while (batch.Count < maxBatch && reader.TryRead(out var item))
            {
                batch.Add(item);
            }

            yield return batch;
            batch.Clear();
        }
    }
}

/// <summary>An item of a single writer's queue whose caller waits for the commit of its batch.</summary>
public abstract record PendingCommit
{
    public TaskCompletionSource Committed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}
