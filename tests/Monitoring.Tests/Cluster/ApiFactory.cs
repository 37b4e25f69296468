using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;

namespace Monitoring.Tests.Cluster;

/// <summary>The real <c>Monitoring.Api</c> on Kestrel, whose Orleans client reaches the test cluster's gateway.</summary>
/// <remarks>Named by a type of the API assembly rather than <c>Program</c>, which the silo assembly also declares.</remarks>
public sealed class ApiFactory : WebApplicationFactory<Monitoring.Api.Errors.ProblemExceptionHandler>
{
    /// <summary>
    /// Rate limits far above what the tests ask: a whole suite queries one shared API from one address within seconds,
    /// far beyond any real client. The rate-limit tests set their own.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string> GenerousRateLimits = new Dictionary<string, string>
    {
        ["RateLimits:IngestSamplesPerSecond"] = "1000000",
        ["RateLimits:IngestBurstSamples"] = "10000000",
        ["RateLimits:QueriesPerSecond"] = "1000000",
        ["RateLimits:QueryBurst"] = "10000000",
        ["RateLimits:LiveStreamsPerClient"] = "100000",
        ["RateLimits:LiveStreamsTotal"] = "100000",
    };

    private readonly TestCluster _cluster;
    private readonly IReadOnlyDictionary<string, string> _settings;
    private readonly Action<IServiceCollection> _services;

    /// <param name="port">0 for any free port; a fixed one lets a test restart the API where a browser expects it.</param>
    /// <param name="settings">More configuration for the API, e.g. agent tokens.</param>
    /// <param name="services">Services added after the API's own, e.g. a test's span exporter.</param>
    public ApiFactory(TestCluster cluster, int port = 0, IReadOnlyDictionary<string, string>? settings = null, Action<IServiceCollection>? services = null)
    {
        _cluster = cluster;
        _settings = settings ?? new Dictionary<string, string>();
        _services = services ?? (_ => { });
        UseKestrel(port);
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Production");
        var gateway = _cluster.Primary!.GatewayAddress!.Endpoint;
        builder.UseSetting("Cluster:GatewayAddress", gateway.Address.ToString());
        builder.UseSetting("Cluster:GatewayPort", gateway.Port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        builder.UseSetting("Cluster:ServiceId", _cluster.Options.ServiceId);
        builder.UseSetting("Cluster:ClusterId", _cluster.Options.ClusterId);
        foreach (var (key, value) in GenerousRateLimits.Concat(_settings))
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureTestServices(_services);
    }
}
