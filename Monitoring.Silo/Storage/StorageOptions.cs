using Microsoft.Data.Sqlite;

namespace Monitoring.Silo.Storage;

/// <summary>Where the SQLite database lives: <c>ConnectionStrings:monitoring</c>, else a file under the user's data folder.</summary>
public sealed class StorageOptions
{
    public const string ConnectionStringName = "monitoring";

    /// <summary>Milliseconds a connection waits for a lock before failing; keeps SQLite from sleeping on Orleans threads.</summary>
    public int BusyTimeoutMilliseconds { get; set; } = 5000;

    public string ConnectionString { get; set; } = string.Empty;

    /// <summary>Below this much free disk beside the database the silo reports itself unhealthy (<c>/health</c> answers 503).</summary>
    public long MinFreeDiskMegabytes { get; set; } = 500;

    public static string DefaultDatabasePath =>
        Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.Create), "monitoring", "monitoring.db");

    /// <summary>The configured connection string with the file's folder created, or the default file when none is configured.</summary>
    public static string Resolve(string? configured)
    {
        var builder = new SqliteConnectionStringBuilder(string.IsNullOrWhiteSpace(configured) ? $"Data Source={DefaultDatabasePath}" : configured)
        {
            Pooling = true,
        };
        var folder = Path.GetDirectoryName(Path.GetFullPath(builder.DataSource));
        if (!string.IsNullOrEmpty(folder))
        {
            Directory.CreateDirectory(folder);
        }

        return builder.ToString();
    }
}
