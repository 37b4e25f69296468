using Microsoft.Data.Sqlite;

namespace Monitoring.Bench.Load;

/// <summary>Counts the product's stored samples straight from its SQLite file, read-only.</summary>
public static class HistoryCount
{
    public static async Task<long?> CountAsync(string database, string table)
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
        // The table name was checked to be a plain identifier when the options were parsed.
        command.CommandText = $"SELECT COUNT(*) FROM \"{table}\"";
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
