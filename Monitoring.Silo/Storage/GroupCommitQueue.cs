using System.Threading.Channels;

namespace Monitoring.Silo.Storage;

/// <summary>
/// The queue of one of the silo's single writers (group commit): items from every grain queue here, and the writer's one
/// long-running loop takes them in batches of up to <c>maxBatch</c>. The loop starts before grains can run; when the
/// silo stops, the queue takes no more items and the loop ends once what is queued is written, since each item belongs to
/// a caller waiting for it.
/// </summary>
public sealed class GroupCommitQueue<TItem>(int maxBatch)
{
    private readonly Channel<TItem> _queue = Channel.CreateUnbounded<TItem>(new UnboundedChannelOptions { SingleReader = true });

    /// <summary>Queues an item; false once the writer has stopped.</summary>
    public bool TryQueue(TItem item) => _queue.Writer.TryWrite(item);

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
