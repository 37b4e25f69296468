using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Monitoring.Abstractions;
using Monitoring.Silo;
using Orleans.Serialization;
using Orleans.TestingHost;

namespace Monitoring.Tests.Cluster;

/// <summary>
/// A real two-silo Orleans cluster on a real SQLite file in a temp folder, and the real API on Kestrel (loopback, a free
/// port) connected to it as an Orleans client; shared by the tests of a collection.
/// </summary>
public sealed class ClusterFixture : IAsyncLifetime
{
    private readonly string _folder = Directory.CreateTempSubdirectory("monitoring-tests-").FullName;

    public TestCluster Cluster { get; private set; } = null!;

    public string DatabasePath => Path.Combine(_folder, "monitoring.db");

    public IGrainFactory Grains => Cluster.GrainFactory;

    public ApiFactory Api { get; private set; } = null!;

    /// <summary>A free loopback port the silos send alerts to as an Alertmanager receiver; a test starts Alertmanager there.</summary>
    public int AlertmanagerPort { get; } = FreePort();

    public HttpClient CreateClient() => Api.CreateClient();

    public async ValueTask InitializeAsync()
    {
        var builder = new TestClusterBuilder(2);
        // Real sockets: the API under test is a separate Orleans client that connects over TCP, not in memory.
        builder.Options.ConnectionTransport = ConnectionTransportType.TcpSocket;
        builder.ConfigureHostConfiguration(configuration => configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:monitoring"] = $"Data Source={DatabasePath}",
            // Recent samples stay in the head, so counting stored rows is exact; the history store's own tests compact.
            ["History:CompactionDelay"] = "1.00:00:00",
            ["Alerting:RuleRefreshInterval"] = "00:00:00.050",
            ["Alerting:Receivers:0:Name"] = "alertmanager",
            ["Alerting:Receivers:0:Type"] = "alertmanager",
            ["Alerting:Receivers:0:Url"] = $"http://127.0.0.1:{AlertmanagerPort}",
            ["Alerting:DeliveryBackoff"] = "00:00:00.050",
        }));
        builder.AddSiloBuilderConfigurator<MonitoringSilo>();
        builder.AddClientBuilderConfigurator<MonitoringClient>();
        Cluster = builder.Build();
        await Cluster.DeployAsync();
        Api = new ApiFactory(Cluster);
        Api.StartServer();
    }

    public async ValueTask DisposeAsync()
    {
        await Api.DisposeAsync();
        await Cluster.StopAllSilosAsync();
        await Cluster.DisposeAsync();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    /// <summary>Deactivates every idle grain, so the next call activates it again from storage.</summary>
    public Task DeactivateAllAsync() =>
        Grains.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);

    /// <summary>Runs a scalar query against the cluster's SQLite file.</summary>
    public long Scalar(string sql, params (string Name, object Value)[] parameters)
    {
        using var connection = new SqliteConnection($"Data Source={DatabasePath};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        return Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Samples stored for the agent, in the head and in compacted blocks.</summary>
    public long HistoryRows(string agentId) => Scalar(
        """
        SELECT (SELECT count(*) FROM history_head JOIN agents USING (agent_no) WHERE agent_id = @id)
            + (SELECT coalesce(sum(samples), 0) FROM history_blocks JOIN agents USING (agent_no) WHERE agent_id = @id)
        """,
        ("@id", agentId));

    /// <summary>Samples stored for every agent.</summary>
    public long StoredSamples() =>
        Scalar("SELECT (SELECT count(*) FROM history_head) + (SELECT coalesce(sum(samples), 0) FROM history_blocks)");

    public long AgentRows(string agentId) => Scalar("SELECT count(*) FROM agents WHERE agent_id = @id", ("@id", agentId));

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    private sealed class MonitoringSilo : ISiloConfigurator
    {
        public void Configure(ISiloBuilder siloBuilder) => siloBuilder.AddMonitoring(siloBuilder.Configuration);
    }

    /// <summary>A test cluster's client: it carries the wire records through their Orleans surrogates, as the API does.</summary>
    internal sealed class MonitoringClient : IClientBuilderConfigurator
    {
        public void Configure(IConfiguration configuration, IClientBuilder clientBuilder) =>
            clientBuilder.Services.AddSerializer(serializer => serializer.AddMonitoringContracts());
    }
}

[CollectionDefinition(Name)]
public sealed class ClusterCollection : ICollectionFixture<ClusterFixture>
{
    public const string Name = "cluster";
}
