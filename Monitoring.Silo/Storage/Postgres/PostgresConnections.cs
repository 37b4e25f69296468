using Microsoft.Extensions.Options;
using Npgsql;

namespace Monitoring.Silo.Storage.Postgres;

/// <summary>
/// The silo's one pool of PostgreSQL connections (<c>Storage:PoolSize</c> at most): Orleans' clustering and grain storage
/// and our history store all draw from it, so a silo never holds more than the pool.
/// </summary>
public sealed class PostgresConnections(IOptions<StorageOptions> options) : IDisposable
{
    public NpgsqlDataSource DataSource { get; } = NpgsqlDataSource.Create(options.Value.PostgresConnectionString);

    public NpgsqlConnection Open() => DataSource.OpenConnection();

    public void Dispose() => DataSource.Dispose();
}
