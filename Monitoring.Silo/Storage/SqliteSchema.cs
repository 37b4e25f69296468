using Microsoft.Data.Sqlite;

namespace Monitoring.Silo.Storage;

/// <summary>
/// Creates, idempotently, everything the silo stores in SQLite: Orleans' grain-state table with a unique key over the whole
/// grain identity and the <c>OrleansQuery</c> rows its ADO.NET provider reads at start-up, plus our agents and history tables.
/// </summary>
public static class SqliteSchema
{
    private const string Identity = """
        GrainIdN0 = @GrainIdN0 AND GrainIdN1 = @GrainIdN1 AND GrainTypeString = @GrainTypeString
        AND ServiceId = @ServiceId AND IFNULL(GrainIdExtensionString, '') = IFNULL(@GrainIdExtensionString, '')
        """;

    private const string Tables = """
        CREATE TABLE IF NOT EXISTS OrleansQuery (
            QueryKey TEXT NOT NULL PRIMARY KEY,
            QueryText TEXT NOT NULL);

        CREATE TABLE IF NOT EXISTS OrleansStorage (
            GrainIdHash INTEGER NOT NULL,
            GrainIdN0 INTEGER NOT NULL,
            GrainIdN1 INTEGER NOT NULL,
            GrainTypeHash INTEGER NOT NULL,
            GrainTypeString TEXT NOT NULL,
            GrainIdExtensionString TEXT NULL,
            ServiceId TEXT NOT NULL,
            PayloadBinary BLOB NULL,
            ModifiedOn TEXT NOT NULL,
            Version INTEGER NULL);

        -- A NULL string key is folded to '' because a UNIQUE index lets NULLs repeat.
        CREATE UNIQUE INDEX IF NOT EXISTS OrleansStorage_Identity ON OrleansStorage (
            GrainIdN0, GrainIdN1, GrainTypeString, ServiceId, IFNULL(GrainIdExtensionString, ''));

        CREATE TABLE IF NOT EXISTS agents (
            agent_no INTEGER PRIMARY KEY,
            agent_id TEXT NOT NULL UNIQUE,
            agent_name TEXT NOT NULL,
            first_seen INTEGER NOT NULL,
            last_seen INTEGER NOT NULL,
            interval_seconds REAL NOT NULL,
            latest_ts INTEGER NULL,
            cpu_percent REAL NULL,
            memory_percent REAL NULL,
            disk_percent REAL NULL,
            watched_since INTEGER NULL);

        -- Series names, numbered once for every agent: blocks and head rows carry the numbers.
        CREATE TABLE IF NOT EXISTS series_names (
            series_no INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE);

        -- Samples not compacted yet, one compact binary row each (series numbers and values), in append order per agent;
        -- received (when the silo stored it) lets the compactor wait for an hour to go quiet before merging late samples.
        CREATE TABLE IF NOT EXISTS history_head (
            agent_no INTEGER NOT NULL,
            ts INTEGER NOT NULL,
            received INTEGER NOT NULL,
            sample BLOB NOT NULL,
            network TEXT NULL,
            PRIMARY KEY (agent_no, ts)) WITHOUT ROWID;

        -- Compacted samples: one compressed column block per agent and span of at most an hour (never across an hour).
        -- Rowid tables, not WITHOUT ROWID: a block of a few KiB then fills its pages instead of spilling into overflow pages.
        CREATE TABLE IF NOT EXISTS history_blocks (
            agent_no INTEGER NOT NULL,
            first_ts INTEGER NOT NULL,
            last_ts INTEGER NOT NULL,
            samples INTEGER NOT NULL,
            block BLOB NOT NULL,
            UNIQUE (agent_no, first_ts));

        -- Rollup tiers: per agent, tier (bucket width in microseconds) and UTC day, every series' count/min/max/sum/first/last per bucket.
        CREATE TABLE IF NOT EXISTS history_rollups (
            agent_no INTEGER NOT NULL,
            tier INTEGER NOT NULL,
            day INTEGER NOT NULL,
            block BLOB NOT NULL,
            UNIQUE (agent_no, tier, day));
        """;

    /// <summary>Columns added to a table after it first shipped, where the table is there: a release's history table gained <c>detail</c>.</summary>
    private static readonly (string Table, string Column, string Type)[] AddedColumns =
    [
        ("history", "detail", "TEXT NULL"),
        ("agents", "watched_since", "INTEGER NULL"),
    ];

    private static readonly (string Key, string Text)[] OrleansQueries =
    [
        ("ReadFromStorageKey", $"SELECT PayloadBinary, Version FROM OrleansStorage WHERE {Identity};"),
        ("WriteToStorageKey", $"""
            INSERT INTO OrleansStorage (GrainIdHash, GrainIdN0, GrainIdN1, GrainTypeHash, GrainTypeString, GrainIdExtensionString, ServiceId, PayloadBinary, ModifiedOn, Version)
            SELECT @GrainIdHash, @GrainIdN0, @GrainIdN1, @GrainTypeHash, @GrainTypeString, @GrainIdExtensionString, @ServiceId, @PayloadBinary, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), 1
            WHERE @GrainStateVersion IS NULL
            ON CONFLICT DO NOTHING
            RETURNING Version AS NewGrainStateVersion;
            UPDATE OrleansStorage
            SET PayloadBinary = @PayloadBinary, ModifiedOn = strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), Version = Version + 1
            WHERE @GrainStateVersion IS NOT NULL AND Version = @GrainStateVersion AND {Identity}
            RETURNING Version AS NewGrainStateVersion;
            """),
        ("ClearStorageKey", $"""
            UPDATE OrleansStorage
            SET PayloadBinary = NULL, ModifiedOn = strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), Version = Version + 1
            WHERE Version = @GrainStateVersion AND {Identity}
            RETURNING Version;
            """),
        ("DeleteStorageKey", $"""
            DELETE FROM OrleansStorage
            WHERE Version = @GrainStateVersion AND {Identity}
            RETURNING Version;
            """),
    ];

    /// <summary>Creates the schema, with each feature's own tables (<paramref name="featureTables"/>), in one transaction.</summary>
    public static void Create(SqliteConnection connection, params string[] featureTables)
    {
        using (var wal = connection.CreateCommand())
        {
            // WAL persists in the file; it cannot be switched on inside a transaction.
            wal.CommandText = "PRAGMA journal_mode = WAL;";
            wal.ExecuteNonQuery();
        }

        using var transaction = connection.BeginTransaction();
        using (var create = connection.CreateCommand())
        {
            create.Transaction = transaction;
            create.CommandText = string.Concat([Tables, .. featureTables]);
            create.ExecuteNonQuery();
        }

        AddMissingColumns(connection, transaction);

        using (var upsert = connection.CreateCommand())
        {
            upsert.Transaction = transaction;
            upsert.CommandText = "INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES (@key, @text) ON CONFLICT (QueryKey) DO UPDATE SET QueryText = excluded.QueryText;";
            var key = upsert.Parameters.Add("@key", SqliteType.Text);
            var text = upsert.Parameters.Add("@text", SqliteType.Text);
            foreach (var (queryKey, queryText) in OrleansQueries)
            {
                key.Value = queryKey;
                text.Value = queryText;
                upsert.ExecuteNonQuery();
            }
        }

        transaction.Commit();
    }

    /// <summary>Columns added after a table first shipped: a database created by an older silo gains them in place (where it has the table).</summary>
    private static void AddMissingColumns(SqliteConnection connection, SqliteTransaction transaction)
    {
        foreach (var (table, column, type) in AddedColumns)
        {
            using var exists = connection.CreateCommand();
            exists.Transaction = transaction;
            exists.CommandText = "SELECT count(*) = 0 AND (SELECT count(*) FROM pragma_table_info(@table)) > 0 FROM pragma_table_info(@table) WHERE name = @column;";
            exists.Parameters.AddWithValue("@table", table);
            exists.Parameters.AddWithValue("@column", column);
            if ((long)exists.ExecuteScalar()! == 1)
            {
                using var add = connection.CreateCommand();
                add.Transaction = transaction;
                add.CommandText = $"ALTER TABLE {table} ADD COLUMN {column} {type};";
                add.ExecuteNonQuery();
            }
        }
    }
}
