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
public class ClusterFixture : ApiTopology
{
    private readonly string _folder = Directory.CreateTempSubdirectory("monitoring-tests-").FullName;
    private readonly IReadOnlyDictionary<string, string> _siloSettings;

    public ClusterFixture()
        : this(new Dictionary<string, string>())
    {
    }

    /// <summary>A cluster whose silos run with more settings (quotas, say), for the tests of a collection of its own.</summary>
    protected ClusterFixture(IReadOnlyDictionary<string, string> siloSettings) => _siloSettings = siloSettings;

    public TestCluster Cluster { get; private set; } = null!;

    public override string DatabasePath => Path.Combine(_folder, "monitoring.db");

    public IGrainFactory Grains => Cluster.GrainFactory;

    public ApiFactory Api { get; private set; } = null!;

    /// <summary>A free loopback port the silos send alerts to as an Alertmanager receiver; a test starts Alertmanager there.</summary>
    public int AlertmanagerPort { get; } = FreePort();

    public override HttpClient CreateClient() => Api.CreateClient();

    public override ApiTopology StartApi(IReadOnlyDictionary<string, string> settings)
    {
        var api = new ApiFactory(Cluster, settings: settings);
        try
        {
            api.StartServer();
            return new SecondApi(api, DatabasePath);
        }
        catch
        {
            api.Dispose();
            throw;
        }
    }

    public override async ValueTask InitializeAsync()
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
        }.Concat(_siloSettings.Select(setting => KeyValuePair.Create(setting.Key, (string?)setting.Value)))));
        builder.AddSiloBuilderConfigurator<MonitoringSilo>();
        builder.AddClientBuilderConfigurator<MonitoringClient>();
        Cluster = builder.Build();
        await Cluster.DeployAsync();
        Api = new ApiFactory(Cluster);
        Api.StartServer();
    }

    public override async ValueTask DisposeAsync()
    {
        GC.SuppressFinalize(this);
        await Api.DisposeAsync();
        await Cluster.StopAllSilosAsync();
        await Cluster.DisposeAsync();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    /// <summary>Deactivates every idle grain, so the next call activates it again from storage.</summary>
    public Task DeactivateAllAsync() =>
        Grains.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);

    /// <summary>Another API process connected to the cluster.</summary>
    private sealed class SecondApi(ApiFactory api, string databasePath) : ApiTopology
    {
        public override string DatabasePath => databasePath;

        public override HttpClient CreateClient() => api.CreateClient();

        public override ApiTopology StartApi(IReadOnlyDictionary<string, string> settings) => throw new NotSupportedException();

        public override ValueTask InitializeAsync() => ValueTask.CompletedTask;

        public override ValueTask DisposeAsync() => api.DisposeAsync();
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
