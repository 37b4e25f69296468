using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using Monitoring.Silo.Alerts;
using Monitoring.Silo.Notifications;
using Monitoring.Silo.Storage;

namespace Monitoring.Tests.Storage;

/// <summary>The SQLite history store on a real file of its own, without a cluster: appends, compaction and queries called directly.</summary>
public sealed class HistoryStoreFile : StoreUnderTest
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

    public override SqliteHistoryStore Store { get; }

    public override IHistoryStore OpenAnother() => new SqliteHistoryStore(Connections, Options.Create(new HistoryOptions()), TimeProvider.System);

    public override long Scalar(string sql)
    {
        using var connection = Connections.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (long)command.ExecuteScalar()!;
    }

    protected override void Dispose(bool disposing)
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }
}
