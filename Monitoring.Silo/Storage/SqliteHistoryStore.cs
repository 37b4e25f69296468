using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace Monitoring.Silo.Storage;

/// <summary>
/// History, the fleet registry and retention in the silo's SQLite file. A file written by an earlier release keeps its
/// one-row-per-sample <c>history</c> table until the upgrade has moved every row into the head; until then queries read it
/// too. WAL lets queries run beside the one appender, which keeps a connection of its own.
/// </summary>
public sealed partial class SqliteHistoryStore(
    SqliteConnections connections,
    IOptions<HistoryOptions> options,
    [FromKeyedServices(TimeProviderNames.SystemTimers)] TimeProvider timers) : BlockHistoryStore(options, timers)
{
    /// <summary>Null until first asked; false once the previous release's <c>history</c> table is gone.</summary>
    private bool? _legacy;

    protected override string Greatest => "max";

    public override IHistoryAppender OpenAppender() => new Appender(connections.Open(), Catalog, ForgottenAgents);

    protected override DbConnection Open() => connections.Open();

    protected override DbConnection OpenAlertStore() => connections.Open();

    protected override bool HasLegacyTable(DbConnection connection)
    {
        if (_legacy is { } known)
        {
            return known;
        }

        using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'history';";
        var exists = (long)command.ExecuteScalar()! > 0;
        _legacy = exists;
        return exists;
    }

    protected override long StoredBytes(DbConnection connection)
    {
        using var pages = connection.CreateCommand();
        pages.CommandText = "SELECT (page_count - freelist_count) * page_size FROM pragma_page_count, pragma_freelist_count, pragma_page_size;";
        return (long)pages.ExecuteScalar()!;
    }

    public override async Task ProbeWriteAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        await using var connection = connections.Open();
        await using var command = connection.CreateCommand();
        command.CommandText = $"PRAGMA busy_timeout = {(long)timeout.TotalMilliseconds};";
        await command.ExecuteNonQueryAsync(cancellationToken);
        // One statement per command: in a batch, Microsoft.Data.Sqlite does not report a later statement's SQLITE_BUSY.
        // It also retries a busy statement until the command timeout (30 s by default), beyond busy_timeout.
        command.CommandText = "BEGIN IMMEDIATE;";
        command.CommandTimeout = Math.Max(1, (int)Math.Ceiling(timeout.TotalSeconds));
        await command.ExecuteNonQueryAsync(cancellationToken);
        command.CommandText = "ROLLBACK;";
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public override long? FreeDiskBytes()
    {
        var file = new SqliteConnectionStringBuilder(connections.ConnectionString).DataSource;
        return string.IsNullOrEmpty(file) || file == ":memory:" || Path.GetDirectoryName(Path.GetFullPath(file)) is not { Length: > 0 } folder
            ? null
            : new DriveInfo(folder).AvailableFreeSpace;
    }
}
