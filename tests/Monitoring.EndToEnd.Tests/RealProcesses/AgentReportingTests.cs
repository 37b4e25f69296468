using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using Monitoring.Contracts;
using Xunit.Sdk;

using static Monitoring.EndToEnd.Tests.RealProcesses.LoopbackCluster;

namespace Monitoring.EndToEnd.Tests.RealProcesses;

/// <summary>
/// The silo, the API and the agent as the real processes of their build outputs, on free loopback ports and a temp database;
/// the API requires an agent token and the agent presents it.
/// </summary>
public sealed class AgentReportingTests
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan SampleTimeout = TimeSpan.FromSeconds(30);

    [Fact(Timeout = 120_000)]
    public async Task Real_agent_samples_reach_latest_and_history()
    {
        await using var services = new ServiceProcesses();
        try
        {
            var ports = Loopback.FreePorts(4);
            var cluster = Cluster(ports, $"e2e-{Guid.NewGuid():N}");
            services.Start("Monitoring.Silo", Silo(ports, cluster["Cluster__ClusterId"], Path.Combine(services.Folder, "monitoring.db")));
            var apiUrl = ApiUrl(ports);
            var token = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(24));
            services.Start("Monitoring.Api", new Dictionary<string, string>(cluster)
            {
                ["ASPNETCORE_URLS"] = apiUrl,
                ["AgentAuth__Tokens__0__Token"] = token,
                ["AgentAuth__Tokens__0__Agents"] = "e2e-*",
            });
            using var api = new HttpClient { BaseAddress = new Uri(apiUrl), Timeout = TimeSpan.FromSeconds(5) };

            // The API's host starts Kestrel only once its Orleans client has reached the silo's gateway.
            await Eventually.GetAsync("the API answers /health", StartTimeout, async cancellation =>
                await api.GetAsync(new Uri("/health", UriKind.Relative), cancellation) is { IsSuccessStatusCode: true } response ? response : null,
                services.ThrowIfAnyExited);

            var agentId = $"e2e-{Guid.NewGuid():N}"[..16];
            services.Start("Monitoring.Agent", new Dictionary<string, string>
            {
                ["AGENT_ID"] = agentId,
                ["AGENT_NAME"] = "end-to-end agent",
                ["SERVER_URL"] = apiUrl,
                ["AGENT_TOKEN"] = token,
                ["COLLECTION_INTERVAL"] = "1",
                ["SPOOL_DIRECTORY"] = Path.Combine(services.Folder, "spool"),
            });

            var latest = await Eventually.GetAsync($"/latest answers 200 for {agentId}", SampleTimeout,
                cancellation => GetOrNullAsync(api, $"/api/v1/metrics/{agentId}/latest", MonitoringJsonContext.Default.LatestMetrics, cancellation),
                services.ThrowIfAnyExited);
            Assert.Equal(agentId, latest.AgentId);
            Assert.Equal("end-to-end agent", latest.AgentName);
            AssertPercentages(latest.CpuPercent, latest.MemoryPercent, latest.DiskPercent);

            var history = await Eventually.GetAsync($"/history holds two samples of {agentId}", SampleTimeout,
                async cancellation => await GetOrNullAsync(api, $"/api/v1/metrics/{agentId}/history", MonitoringJsonContext.Default.HistoryResponse, cancellation)
                    is { Samples.Count: >= 2 } found ? found : null,
                services.ThrowIfAnyExited);
            var samples = history.Samples!;
            Assert.All(samples.Zip(samples.Skip(1)), pair => Assert.True(pair.First.Timestamp < pair.Second.Timestamp,
                $"History timestamps must increase: {pair.First.Timestamp:O} then {pair.Second.Timestamp:O}."));
            Assert.All(samples, sample => AssertPercentages(sample.CpuPercent, sample.MemoryPercent, sample.DiskPercent));
            // History keeps microseconds; the latest sample, held in grain memory, keeps the agent's full 100 ns ticks.
            Assert.Contains(samples, sample => sample.Timestamp.UtcTicks / 10 == latest.Timestamp.UtcTicks / 10);
        }
        catch (Exception failure)
        {
            throw new XunitException($"{failure.GetType().Name}: {failure.Message}{Environment.NewLine}{services.Describe()}", failure);
        }
    }

    private static async Task<T?> GetOrNullAsync<T>(HttpClient api, string path, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type, CancellationToken cancellation)
        where T : class
    {
        using var response = await api.GetAsync(new Uri(path, UriKind.Relative), cancellation);
        return response.StatusCode == HttpStatusCode.OK ? await response.Content.ReadFromJsonAsync(type, cancellation) : null;
    }

    private static void AssertPercentages(double cpu, double memory, double disk)
    {
        Assert.InRange(cpu, 0, 100);
        Assert.InRange(memory, 0.001, 100);
        Assert.InRange(disk, 0.001, 100);
    }

}
