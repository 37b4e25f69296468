using Monitoring.Silo.Storage;
using Monitoring.Silo.Storage.Postgres;

[assembly: AssemblyFixture(typeof(Monitoring.Tests.Storage.PostgresServer))]

namespace Monitoring.Tests.Storage;

/// <summary>The storage seam's suite on a real PostgreSQL server (a database per test), and what only the server has: its schema versions.</summary>
public sealed class PostgresHistoryStoreTests(PostgresServer server) : HistoryStoreTests
{
    protected override async Task<StoreUnderTest> CreateStoreAsync(HistoryOptions? options = null) => await PostgresStore.CreateAsync(server, options);

    [Fact]
    public async Task Creating_the_schema_again_and_from_two_silos_at_once_keeps_every_row_and_one_version_per_component()
    {
        using var store = await PostgresStore.CreateAsync(server);
        var samples = Enumerable.Range(0, 3).Select(i => Samples.Sample("schema-agent", Hour0.AddMinutes(i))).ToArray();
        store.Append(samples);
        using var first = Npgsql.NpgsqlDataSource.Create(store.ConnectionString);
        using var second = Npgsql.NpgsqlDataSource.Create(store.ConnectionString);

        await Task.WhenAll(
            PostgresSchema.CreateAsync(first, TestContext.Current.CancellationToken),
            PostgresSchema.CreateAsync(second, TestContext.Current.CancellationToken));

        Assert.Equal(3, store.Scalar("SELECT count(*) FROM history_head"));
        Assert.Equal(2, store.Scalar("SELECT count(*) FROM schema_versions"));
        Assert.Equal(PostgresSchema.Version, store.Scalar("SELECT version FROM schema_versions WHERE component = 'monitoring'"));
        // Clustering's nine queries (with the 3.7.0 migration's CleanupDefunctSiloEntriesKey) and grain storage's four, once each.
        Assert.Equal(13, store.Scalar("SELECT count(*) FROM OrleansQuery"));
        Assert.Equal(1, store.Scalar("SELECT count(*) FROM OrleansQuery WHERE QueryKey = 'CleanupDefunctSiloEntriesKey'"));
    }

    [Fact]
    public async Task The_write_probe_passes_on_a_writable_server_and_the_store_reports_no_disk_of_its_own()
    {
        using var store = await PostgresStore.CreateAsync(server);

        await store.Store.ProbeWriteAsync(TimeSpan.FromSeconds(2), TestContext.Current.CancellationToken);

        Assert.Null(store.Store.FreeDiskBytes());
    }
}
