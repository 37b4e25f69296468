using System.Globalization;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Data.Sqlite;

namespace Monitoring.Tests.Cluster;

/// <summary>
/// The all-in-one node: the real <c>Monitoring.Silo</c> with <c>Silo:ServeApi=true</c> on Kestrel (loopback, a free
/// port), serving the API in process on a real SQLite file in a temp folder; shared by the tests of a collection.
/// </summary>
public sealed class AllInOneFixture : ApiTopology
{
    private readonly string _folder = Directory.CreateTempSubdirectory("monitoring-tests-").FullName;
    private readonly IReadOnlyDictionary<string, string> _settings;
    private Node _node = null!;

    public AllInOneFixture()
        : this(new Dictionary<string, string>())
    {
    }

    private AllInOneFixture(IReadOnlyDictionary<string, string> settings) => _settings = settings;

    public override string DatabasePath => Path.Combine(_folder, "monitoring.db");

    public override HttpClient CreateClient() => _node.CreateClient();

    public override ApiTopology StartApi(IReadOnlyDictionary<string, string> settings)
    {
        var node = new AllInOneFixture(settings);
        try
        {
            node.Start();
            return node;
        }
        catch
        {
            node.DisposeAsync().AsTask().GetAwaiter().GetResult();
            throw;
        }
    }

    public override ValueTask InitializeAsync()
    {
        Start();
        return ValueTask.CompletedTask;
    }

    public override async ValueTask DisposeAsync()
    {
        await _node.DisposeAsync();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    private void Start()
    {
        _node = new Node(new Dictionary<string, string>(_settings)
        {
            ["Silo:ServeApi"] = "true",
            ["ConnectionStrings:monitoring"] = $"Data Source={DatabasePath}",
            // Its own cluster on free ports, beside the test clusters of other collections.
            ["Cluster:SiloPort"] = FreePort().ToString(CultureInfo.InvariantCulture),
            ["Cluster:GatewayPort"] = FreePort().ToString(CultureInfo.InvariantCulture),
            ["Cluster:ClusterId"] = "all-in-one-" + Guid.NewGuid().ToString("N"),
            // As in the cluster fixture: recent samples stay in the head, so counting stored rows is exact.
            ["History:CompactionDelay"] = "1.00:00:00",
        });
        _node.StartServer();
    }

    /// <remarks>Named by a type of the silo assembly rather than <c>Program</c>, which the API assembly also declares.</remarks>
    private sealed class Node : WebApplicationFactory<Monitoring.Silo.Storage.StorageOptions>
    {
        private readonly IReadOnlyDictionary<string, string> _settings;

        public Node(IReadOnlyDictionary<string, string> settings)
        {
            _settings = settings;
            UseKestrel(0);
        }

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseEnvironment("Production");
            foreach (var (key, value) in ApiFactory.GenerousRateLimits.Concat(_settings))
            {
                builder.UseSetting(key, value);
            }
        }
    }
}

[CollectionDefinition(Name)]
public sealed class AllInOneCollection : ICollectionFixture<AllInOneFixture>
{
    public const string Name = "all-in-one";
}
