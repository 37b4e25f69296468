using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using Aspire.Hosting;
using Aspire.Hosting.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Monitoring.Contracts;
using Xunit.Sdk;

namespace Monitoring.EndToEnd.Tests.AppHost;

/// <summary>The whole local topology as <c>dotnet run --project Monitoring.AppHost</c> starts it, on a temp data folder and free cluster ports.</summary>
public sealed class AppHostTests
{
    private static readonly TimeSpan BuildTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);
    private static readonly TimeSpan SampleTimeout = TimeSpan.FromSeconds(45);
    private static readonly string[] DemoAgents = ["agent-001", "agent-002", "agent-003"];

    [Fact(Timeout = 180_000)]
    public async Task Demo_agents_report_through_the_app_host()
    {
        var cancellation = TestContext.Current.CancellationToken;
        var dataFolder = Directory.CreateTempSubdirectory("monitoring-apphost-e2e-").FullName;
        try
        {
            var ports = Loopback.FreePorts(2);
            var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.Monitoring_AppHost>(
                [
                    $"--Monitoring:DataFolder={dataFolder}",
                    $"--Monitoring:SiloPort={ports[0].ToString(CultureInfo.InvariantCulture)}",
                    $"--Monitoring:GatewayPort={ports[1].ToString(CultureInfo.InvariantCulture)}",
                ],
                cancellation).WaitAsync(BuildTimeout, cancellation);
            var logs = new ResourceLogs();
            builder.Services.AddLogging(logging => logging.AddProvider(logs));
            await using var app = await builder.BuildAsync(cancellation).WaitAsync(BuildTimeout, cancellation);
            try
            {
                await app.StartAsync(cancellation).WaitAsync(StartTimeout, cancellation);
                await app.ResourceNotifications.WaitForResourceHealthyAsync("api", cancellation).WaitAsync(StartTimeout, cancellation);
                var shown = await app.ResourceNotifications.WaitForResourceAsync("api",
                    resource => resource.Snapshot.Urls.Any(url => url.DisplayProperties.DisplayName == "Agents (JSON)"), cancellation).WaitAsync(StartTimeout, cancellation);
                Assert.Contains(shown.Snapshot.Urls, url => url.DisplayProperties.DisplayName == "API" && url.Url.StartsWith("http://", StringComparison.Ordinal));
                Assert.Contains(shown.Snapshot.Urls, url => url.Url.EndsWith("/api/v1/agents", StringComparison.Ordinal));
                var dashboard = Assert.Single(shown.Snapshot.Urls, url => url.DisplayProperties.DisplayName == "Dashboard");
                using var api = app.CreateHttpClient("api");
                var page = await api.GetStringAsync(new Uri(new Uri(dashboard.Url).PathAndQuery, UriKind.Relative), cancellation);
                Assert.Contains("Fleet · Monitoring", page, StringComparison.Ordinal);

                await Eventually.GetAsync("/api/v1/agents lists the three demo agents up", SampleTimeout, async attempt =>
                    await api.GetFromJsonAsync(new Uri("/api/v1/agents", UriKind.Relative), MonitoringJsonContext.Default.AgentList, attempt) is { } list
                        && DemoAgents.All(id => list.Agents.Any(agent => agent.AgentId == id && agent.Status == "up")) ? list : null);

                using var latest = await api.GetAsync(new Uri("/api/v1/metrics/agent-001/latest", UriKind.Relative), cancellation);
                Assert.Equal(HttpStatusCode.OK, latest.StatusCode);
                Assert.True(File.Exists(Path.Combine(dataFolder, "monitoring.db")), "The silo's database is in the data folder the test gave the app host.");
            }
            catch (Exception failure)
            {
                throw new XunitException($"{failure.GetType().Name}: {failure.Message}{Environment.NewLine}{logs.Describe()}", failure);
            }
        }
        finally
        {
            Directory.Delete(dataFolder, recursive: true);
        }
    }
}
