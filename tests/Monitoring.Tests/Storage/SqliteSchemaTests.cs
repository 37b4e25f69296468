using Microsoft.Data.Sqlite;
using Monitoring.Silo.Storage;

namespace Monitoring.Tests.Storage;

public sealed class SqliteSchemaTests : IDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"monitoring-schema-{Guid.NewGuid():N}.db");

    [Fact]
    public void A_history_table_of_an_older_silo_gains_the_detail_column_and_keeps_its_rows()
    {
        using (var old = Open())
        {
            Execute(old, """
                CREATE TABLE history (agent_no INTEGER NOT NULL, ts INTEGER NOT NULL, cpu_percent REAL NOT NULL,
                    memory_percent REAL NOT NULL, memory_total INTEGER NULL, memory_used INTEGER NULL, memory_available INTEGER NULL,
                    disk_percent REAL NOT NULL, disk_total INTEGER NULL, disk_used INTEGER NULL, disk_free INTEGER NULL,
                    network TEXT NULL, UNIQUE (agent_no, ts));
                INSERT INTO history (agent_no, ts, cpu_percent, memory_percent, disk_percent) VALUES (1, 1, 2, 3, 4);
                """);
        }

        using var connection = Open();
        SqliteSchema.Create(connection);
        SqliteSchema.Create(connection);

        using var read = connection.CreateCommand();
        read.CommandText = "SELECT cpu_percent, detail IS NULL FROM history;";
        using var row = read.ExecuteReader();
        Assert.True(row.Read());
        Assert.Equal(2, row.GetDouble(0));
        Assert.True(row.GetBoolean(1));
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        foreach (var suffix in new[] { "", "-wal", "-shm" })
        {
            File.Delete(_path + suffix);
        }
    }

    private SqliteConnection Open()
    {
        var connection = new SqliteConnection($"Data Source={_path}");
        connection.Open();
        return connection;
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
