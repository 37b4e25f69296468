using Microsoft.Data.Sqlite;

namespace Monitoring.Bench.Load;

/// <summary>Counts the product's stored samples straight from its SQLite file, read-only.</summary>
public static class HistoryCount
{
    public static async Task<long?> CountAsync(string database)
    {
        if (!File.Exists(database))
        {
            return null;
        }

        var connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = database,
            Mode = SqliteOpenMode.ReadOnly,
            Pooling = false,
        }.ToString();
        await using var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        // Samples not compacted yet are head rows; compacted ones are counted by their blocks.
        command.CommandText = "SELECT (SELECT count(*) FROM history_head) + (SELECT coalesce(sum(samples), 0) FROM history_blocks)";
        try
        {
            return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (SqliteException e) when (e.Message.Contains("no such table", StringComparison.Ordinal))
        {
            return null;
        }
    }
}
