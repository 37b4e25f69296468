using System.Data.Common;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Monitoring.Silo.Storage.Postgres;

/// <summary>
/// History and the fleet registry on a PostgreSQL server that every silo of the cluster shares: the same tables and block
/// format as SQLite (<see cref="BlockHistoryStore"/>), appends as multi-row inserts, sizes from PostgreSQL's catalogue.
/// </summary>
public sealed partial class PostgresHistoryStore(
    PostgresConnections connections,
    SqliteConnections alertStore,
    IOptions<HistoryOptions> options,
    [FromKeyedServices(TimeProviderNames.SystemTimers)] TimeProvider timers) : BlockHistoryStore(options, timers)
{
    protected override string Greatest => "greatest";

    public override IHistoryAppender OpenAppender() => new Appender(connections.Open(), Catalog, ForgottenAgents);

    protected override DbConnection Open() => connections.Open();

    protected override DbConnection OpenAlertStore() => alertStore.Open();

    /// <summary>No release before this one wrote history to PostgreSQL: there is nothing to upgrade.</summary>
    public override Task<int> UpgradeAsync(int maxRows, CancellationToken cancellationToken = default) => Task.FromResult(0);

    protected override long StoredBytes(DbConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT CAST(sum(pg_total_relation_size(c.oid)) AS BIGINT) FROM pg_class c
            WHERE c.relkind = 'r' AND c.relname IN ('agents', 'series_names', 'history_head', 'history_blocks', 'history_rollups')
                AND c.relnamespace = to_regnamespace(current_schema());
            """;
        return command.ExecuteScalar() is long bytes ? bytes : 0;
    }

    /// <summary>Throws unless the server answers within the timeout and accepts writes (not a read-only standby).</summary>
    public override async Task ProbeWriteAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        await using var connection = await connections.DataSource.OpenConnectionAsync(deadline.Token);
        await using var command = new NpgsqlCommand("SELECT pg_is_in_recovery() OR current_setting('transaction_read_only') = 'on';", connection);
        if (await command.ExecuteScalarAsync(deadline.Token) is true)
        {
            throw new IOException("The PostgreSQL server is read-only.");
        }
    }

    /// <summary>The server's disk is the server's to watch: the silo has no file of its own.</summary>
    public override long? FreeDiskBytes() => null;
}
