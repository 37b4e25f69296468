using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using Monitoring.Abstractions;
using Monitoring.Contracts;
using Monitoring.Silo.Alerts;
using Monitoring.Silo.Notifications;
using Monitoring.Silo.Storage;

namespace Monitoring.Tests.Storage;

/// <summary>The SQLite history store on a real file of its own, without a cluster: appends, compaction and queries called directly.</summary>
public sealed class HistoryStoreFile : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("monitoring-store-").FullName;

    public HistoryStoreFile(HistoryOptions? options = null, string? copyOf = null)
    {
        Path = System.IO.Path.Combine(_folder, "monitoring.db");
        if (copyOf is not null)
        {
            File.Copy(copyOf, Path);
        }

        Connections = new SqliteConnections(Options.Create(new StorageOptions { ConnectionString = $"Data Source={Path}", BusyTimeoutMilliseconds = 5000 }));
        using (var connection = Connections.Open())
        {
            SqliteSchema.Create(connection, AlertSchema.Tables, NotificationSchema.Tables);
        }

        Store = new SqliteHistoryStore(Connections, Options.Create(options ?? new HistoryOptions()), TimeProvider.System);
    }

    public string Path { get; }

    public SqliteConnections Connections { get; }

    public SqliteHistoryStore Store { get; }

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

    public long Scalar(string sql)
    {
        using var connection = Connections.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (long)command.ExecuteScalar()!;
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }
}
