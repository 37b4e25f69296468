using Monitoring.Abstractions;
using Monitoring.Contracts;
using Monitoring.Silo.Storage;

namespace Monitoring.Tests.Storage;

/// <summary>One backend's history store on a real database of its own, without a cluster: appends, compaction and queries called directly.</summary>
public abstract class StoreUnderTest : IDisposable
{
    public abstract IHistoryStore Store { get; }

    /// <summary>Appends the samples in one batch through a fresh appender, each received at its own time; returns how many were new.</summary>
    public int Append(params MetricsReport[] samples) => AppendReceived(null, samples);

    /// <summary>Appends the samples in one batch, received at <paramref name="receivedAt"/> (at their own times when null).</summary>
    public int AppendReceived(DateTimeOffset? receivedAt, params MetricsReport[] samples)
    {
        using var appender = Store.OpenAppender();
        return appender.Commit([.. samples.Select(s => new HistoryRecord(s.AgentId!, receivedAt ?? s.Timestamp!.Value, s, MetricSeries.Detail(s), null))]);
    }

    /// <summary>Compacts every hour of new samples that ends before <paramref name="before"/> (all of them by default).</summary>
    public async Task<int> CompactAsync(DateTimeOffset? before = null)
    {
        var hours = 0;
        int compacted;
        while ((compacted = await Store.CompactAsync(before ?? DateTimeOffset.MaxValue.AddDays(-1), 100)) > 0)
        {
            hours += compacted;
        }

        return hours;
    }

    public async Task<HistoryResponse> QueryAsync(HistoryQuery query) =>
        await Store.QueryAsync(query) ?? throw new InvalidOperationException($"Agent {query.AgentId} is unknown.");

    /// <summary>A second store on the same database with nothing cached, as another silo or a restarted one sees it.</summary>
    public abstract IHistoryStore OpenAnother();

    /// <summary>The single integer a query answers, read straight from the database.</summary>
    public abstract long Scalar(string sql);

    public void Dispose()
    {
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    protected abstract void Dispose(bool disposing);
}
