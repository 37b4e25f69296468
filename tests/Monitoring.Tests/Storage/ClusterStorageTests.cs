using System.Data.Common;
using Microsoft.Extensions.Configuration;
using Monitoring.Abstractions;
using Monitoring.Silo.Storage;

namespace Monitoring.Tests.Storage;

/// <summary>The storage settings silo and API share: a setting that cannot work stops the process at start, naming it.</summary>
public sealed class ClusterStorageTests
{
    private const string Server = "Host=db.internal;Port=5432;Username=monitoring;Database=monitoring";

    [Theory]
    [InlineData(StorageProvider.Postgres, null, 10, "ConnectionStrings:monitoring is empty")]
    [InlineData(StorageProvider.Postgres, "Port=5432;Database=monitoring", 10, "names no Host")]
    [InlineData(StorageProvider.Postgres, "Host=db.internal;Username=monitoring", 10, "names no Database")]
    [InlineData(StorageProvider.Postgres, "Host=db;=x", 10, "is not a connection string")]
    [InlineData(StorageProvider.Postgres, Server, 0, "Storage:PoolSize must be between 1 and 100")]
    [InlineData(StorageProvider.Sqlite, null, 101, "Storage:PoolSize must be between 1 and 100")]
    [InlineData((StorageProvider)7, null, 10, "Storage:Provider must be 'sqlite' or 'postgres'")]
    public void A_setting_that_cannot_work_is_named(StorageProvider provider, string? connectionString, int poolSize, string problem) =>
        Assert.Contains(problem, ClusterStorage.Problem(provider, connectionString, poolSize));

    [Theory]
    [InlineData(StorageProvider.Sqlite, null)]
    [InlineData(StorageProvider.Sqlite, "Data Source=/var/lib/monitoring/monitoring.db")]
    [InlineData(StorageProvider.Postgres, Server)]
    [InlineData(StorageProvider.Postgres, "host=db.internal;database=monitoring")]
    public void Usable_settings_pass(StorageProvider provider, string? connectionString) =>
        Assert.Null(ClusterStorage.Problem(provider, connectionString, ClusterStorage.DefaultPoolSize));

    [Fact]
    public void The_silo_reads_postgres_from_configuration_and_caps_its_pool()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Storage:Provider"] = "postgres",
            ["Storage:PoolSize"] = "7",
            ["ConnectionStrings:monitoring"] = Server,
        }).Build();
        var options = configuration.GetSection(ClusterStorage.SectionName).Get<StorageOptions>()!;

        StorageOptions.Resolve(options, configuration.GetConnectionString(ClusterStorage.ConnectionStringName));

        Assert.Equal(StorageProvider.Postgres, options.Provider);
        Assert.Equal("7", new DbConnectionStringBuilder { ConnectionString = options.PostgresConnectionString }["Maximum Pool Size"]);
        Assert.Equal("db.internal", new DbConnectionStringBuilder { ConnectionString = options.PostgresConnectionString }["Host"]);
        Assert.True(new StorageOptionsValidator(configuration).Validate(null, options).Succeeded);
    }

    [Fact]
    public void The_silo_refuses_postgres_without_a_server_naming_the_setting()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Storage:Provider"] = "postgres" }).Build();
        var options = configuration.GetSection(ClusterStorage.SectionName).Get<StorageOptions>()!;

        var result = new StorageOptionsValidator(configuration).Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains("ConnectionStrings:monitoring", result.FailureMessage);
    }
}
