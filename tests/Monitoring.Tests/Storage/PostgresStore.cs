using Microsoft.Extensions.Options;
using Monitoring.Abstractions;
using Monitoring.Silo.Storage;
using Monitoring.Silo.Storage.Postgres;
using Npgsql;

namespace Monitoring.Tests.Storage;

/// <summary>The PostgreSQL history store on a database of its own on the run's <see cref="PostgresServer"/>, its schema created as a silo creates it.</summary>
public sealed class PostgresStore : StoreUnderTest
{
    private readonly PostgresConnections _connections;
    private readonly HistoryStoreFile _alertStore = new();

    private PostgresStore(string connectionString, HistoryOptions? options)
    {
        ConnectionString = connectionString;
        _connections = new PostgresConnections(Options.Create(new StorageOptions
        {
            Provider = StorageProvider.Postgres,
            PostgresConnectionString = ClusterStorage.Pooled(connectionString, ClusterStorage.DefaultPoolSize),
        }));
        Store = new PostgresHistoryStore(_connections, _alertStore.Connections, Options.Create(options ?? new HistoryOptions()), TimeProvider.System);
    }

    public string ConnectionString { get; }

    public override PostgresHistoryStore Store { get; }

    public static async Task<PostgresStore> CreateAsync(PostgresServer server, HistoryOptions? options = null)
    {
        var store = new PostgresStore(await server.CreateDatabaseAsync("history"), options);
        await PostgresSchema.CreateAsync(store._connections.DataSource, TestContext.Current.CancellationToken);
        return store;
    }

    public override IHistoryStore OpenAnother() =>
        new PostgresHistoryStore(_connections, _alertStore.Connections, Options.Create(new HistoryOptions()), TimeProvider.System);

    public override long Scalar(string sql)
    {
        using var connection = _connections.Open();
        using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(command.ExecuteScalar());
    }

    protected override void Dispose(bool disposing)
    {
        _connections.Dispose();
        _alertStore.Dispose();
    }
}
