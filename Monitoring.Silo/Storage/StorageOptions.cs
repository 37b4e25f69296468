using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using Monitoring.Abstractions;

namespace Monitoring.Silo.Storage;

/// <summary>
/// Which database the silo keeps its state in (<c>Storage:Provider</c>) and where: <c>ConnectionStrings:monitoring</c> names
/// the PostgreSQL server, or the SQLite file (by default a file under the user's data folder).
/// </summary>
public sealed class StorageOptions
{
    public StorageProvider Provider { get; set; } = StorageProvider.Sqlite;

    /// <summary>Most connections in the silo's one PostgreSQL pool (clustering, grain state and history share it).</summary>
    public int PoolSize { get; set; } = ClusterStorage.DefaultPoolSize;

    /// <summary>Milliseconds a connection waits for a lock before failing; keeps SQLite from sleeping on Orleans threads.</summary>
    public int BusyTimeoutMilliseconds { get; set; } = 5000;

    /// <summary>
    /// The SQLite file's connection string. With PostgreSQL it is the default file, which still keeps the silo's alert
    /// history and notification outbox.
    /// </summary>
    public string ConnectionString { get; set; } = string.Empty;

    /// <summary>PostgreSQL's connection string with its pool capped at <see cref="PoolSize"/>; empty with SQLite.</summary>
    public string PostgresConnectionString { get; set; } = string.Empty;

    /// <summary>Below this much free disk beside the database the silo reports itself unhealthy (<c>/health</c> answers 503).</summary>
    public long MinFreeDiskMegabytes { get; set; } = 500;

    public static string DefaultDatabasePath =>
        Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.Create), "monitoring", "monitoring.db");

    /// <summary>Fills both connection strings from <c>ConnectionStrings:monitoring</c> as the provider reads it.</summary>
    public static void Resolve(StorageOptions options, string? configured)
    {
        var postgres = options.Provider == StorageProvider.Postgres;
        options.ConnectionString = Resolve(postgres ? null : configured);
        options.PostgresConnectionString = postgres && ClusterStorage.Problem(options.Provider, configured, options.PoolSize) is null
            ? ClusterStorage.Pooled(configured!, options.PoolSize)
            : string.Empty;
    }

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

/// <summary>Stops the silo at start when the storage settings cannot work, naming the setting.</summary>
public sealed class StorageOptionsValidator(IConfiguration configuration) : IValidateOptions<StorageOptions>
{
    public ValidateOptionsResult Validate(string? name, StorageOptions options)
    {
        if (options.BusyTimeoutMilliseconds <= 0)
        {
            return ValidateOptionsResult.Fail("Storage:BusyTimeoutMilliseconds must be positive.");
        }

        return ClusterStorage.Problem(options.Provider, configuration.GetConnectionString(ClusterStorage.ConnectionStringName), options.PoolSize) is { } problem
            ? ValidateOptionsResult.Fail(problem)
            : ValidateOptionsResult.Success;
    }
}
