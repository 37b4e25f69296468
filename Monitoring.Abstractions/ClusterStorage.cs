using System.Data.Common;

namespace Monitoring.Abstractions;

/// <summary>The database a deployment keeps its state in (<c>Storage:Provider</c>); silo and API read the same setting.</summary>
public enum StorageProvider
{
    /// <summary>One SQLite file beside the one silo: zero set-up, localhost clustering.</summary>
    Sqlite,

    /// <summary>A PostgreSQL server shared by every silo and API: ADO.NET clustering, grain state and history.</summary>
    Postgres,
}

/// <summary>The settings silo and API share to find the cluster's database, and their validation.</summary>
public static class ClusterStorage
{
    public const string SectionName = "Storage";
    public const string ConnectionStringName = "monitoring";

    /// <summary>Orleans' ADO.NET invariant for PostgreSQL: it loads Npgsql's provider factory.</summary>
    public const string PostgresInvariant = "Npgsql";

    /// <summary>
    /// Connections in each process's one pool (a silo's clustering, grain state and history share it; an API reads only
    /// membership), so 3 silos and 2 APIs hold at most 5 × 10 = 50 of a default PostgreSQL's 100.
    /// </summary>
    public const int DefaultPoolSize = 10;

    public const int MaxPoolSize = 100;

    /// <summary>What is wrong with the settings, naming the setting, or null when they are usable.</summary>
    public static string? Problem(StorageProvider provider, string? connectionString, int poolSize)
    {
        if (!Enum.IsDefined(provider))
        {
            return $"Storage:Provider must be 'sqlite' or 'postgres', not '{provider}'.";
        }

        if (poolSize is < 1 or > MaxPoolSize)
        {
            return $"Storage:PoolSize must be between 1 and {MaxPoolSize}, not {poolSize}.";
        }

        if (provider != StorageProvider.Postgres)
        {
            return null;
        }

        if (string.IsNullOrWhiteSpace(connectionString))
        {
            return $"Storage:Provider is 'postgres' but ConnectionStrings:{ConnectionStringName} is empty: name the server (Host=…;Port=…;Username=…;Database=…).";
        }

        var builder = new DbConnectionStringBuilder();
        try
        {
            builder.ConnectionString = connectionString;
        }
        catch (ArgumentException e)
        {
            return $"ConnectionStrings:{ConnectionStringName} is not a connection string: {e.Message}";
        }

        foreach (var key in (ReadOnlySpan<string>)["Host", "Database"])
        {
            if (!builder.TryGetValue(key, out var value) || string.IsNullOrWhiteSpace(value?.ToString()))
            {
                return $"ConnectionStrings:{ConnectionStringName} names no {key} (Host=…;Port=…;Username=…;Database=…).";
            }
        }

        return null;
    }

    /// <summary>The PostgreSQL connection string with its pool capped at <paramref name="poolSize"/> connections.</summary>
    public static string Pooled(string connectionString, int poolSize)
    {
        var builder = new DbConnectionStringBuilder { ConnectionString = connectionString };
        builder["Maximum Pool Size"] = poolSize;
        return builder.ConnectionString;
    }
}
