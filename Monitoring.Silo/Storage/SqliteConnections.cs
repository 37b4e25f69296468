using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace Monitoring.Silo.Storage;

/// <summary>
/// Hands out SQLite connections that set <c>synchronous=NORMAL</c> and a busy timeout as they open: pragmas cannot go in the
/// connection string, and without the timeout Microsoft.Data.Sqlite sleeps on the calling (Orleans scheduler) thread.
/// Orleans' grain storage and our history store share it.
/// </summary>
public sealed class SqliteConnections(IOptions<StorageOptions> options) : DbDataSource
{
    private readonly StorageOptions _options = options.Value;

    public override string ConnectionString => _options.ConnectionString;

    /// <summary>
    /// Awaited first by every call a grain makes to SQLite: moves the rest of the call to the thread pool, as the writers run
    /// on threads of their own, because Microsoft.Data.Sqlite's async methods complete synchronously and would block an
    /// Orleans scheduler thread.
    /// </summary>
    public static ConfiguredTaskAwaitable OffScheduler() => Task.CompletedTask.ConfigureAwait(ConfigureAwaitOptions.ForceYielding);

    public SqliteConnection Open()
    {
        var connection = CreateConnection();
        connection.Open();
        return connection;
    }

    public new TunedSqliteConnection CreateConnection() => new(_options.ConnectionString, _options.BusyTimeoutMilliseconds);

    protected override DbConnection CreateDbConnection() => CreateConnection();

    /// <summary>A connection that applies our pragmas every time it opens, whoever opens it.</summary>
    public sealed class TunedSqliteConnection(string connectionString, int busyTimeoutMilliseconds) : SqliteConnection(connectionString)
    {
        public override void Open()
        {
            base.Open();
            using var pragma = CreateCommand();
            pragma.CommandText = $"PRAGMA busy_timeout = {busyTimeoutMilliseconds}; PRAGMA synchronous = NORMAL;";
            pragma.ExecuteNonQuery();
        }
    }
}
