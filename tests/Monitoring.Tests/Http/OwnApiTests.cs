using Monitoring.Tests.Cluster;

namespace Monitoring.Tests.Http;

/// <summary>Tests that need an API of their own with more settings (tokens, limits): one started per test on the topology.</summary>
public abstract class OwnApiTests(ApiTopology topology, IReadOnlyDictionary<string, string> settings) : IAsyncLifetime
{
    protected ApiTopology Topology => topology;

    protected ApiTopology Api { get; private set; } = null!;

    protected HttpClient Http { get; private set; } = null!;

    public ValueTask InitializeAsync()
    {
        Api = topology.StartApi(settings);
        Http = Api.CreateClient();
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await Api.DisposeAsync();
        GC.SuppressFinalize(this);
    }
}
