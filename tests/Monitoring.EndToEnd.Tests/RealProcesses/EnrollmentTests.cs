using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Monitoring.Contracts;
using Xunit.Sdk;

using static Monitoring.EndToEnd.Tests.RealProcesses.LoopbackCluster;

namespace Monitoring.EndToEnd.Tests.RealProcesses;

/// <summary>
/// The silo, the API and the agent as real processes: the API requires a credential and has no agent token, an admin
/// creates a one-use enrollment token, and the agent started with it enrolls, stores its key 0600 beside its spool and
/// reports with it; restarted with the spent token, it reports with the stored key.
/// </summary>
public sealed class EnrollmentTests
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan SampleTimeout = TimeSpan.FromSeconds(30);

    [Fact(Timeout = 180_000)]
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public async Task Real_agent_enrolls_once_stores_its_key_0600_and_reports_with_it_across_a_restart()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var services = new ServiceProcesses();
        try
        {
            var ports = Loopback.FreePorts(4);
            var cluster = Cluster(ports, $"e2e-{Guid.NewGuid():N}");
            services.Start("Monitoring.Silo", Silo(ports, cluster["Cluster__ClusterId"], Path.Combine(services.Folder, "monitoring.db")));
            var apiUrl = ApiUrl(ports);
            var admin = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(24));
            services.Start("Monitoring.Api", new Dictionary<string, string>(cluster)
            {
                ["ASPNETCORE_URLS"] = apiUrl,
                ["AgentAuth__Required"] = "true",
                ["AccessTokens__0__Token"] = admin,
                ["AccessTokens__0__Role"] = "admin",
            });
            using var api = new HttpClient { BaseAddress = new Uri(apiUrl), Timeout = TimeSpan.FromSeconds(5) };
            api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", admin);
            await Eventually.GetAsync("the API answers /health", StartTimeout, async cancellation =>
                await api.GetAsync(new Uri("/health", UriKind.Relative), cancellation) is { IsSuccessStatusCode: true } response ? response : null,
                services.ThrowIfAnyExited);

            using var created = await api.PostAsync(new Uri("/api/v1/enrollment-tokens", UriKind.Relative), new StringContent(
                $$"""{"expires_at": "{{DateTimeOffset.UtcNow.AddHours(1):O}}", "max_uses": 1}""", Encoding.UTF8, "application/json"), ct);
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            var enrollmentToken = (await created.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("token").GetString()!;

            var agentId = $"e2e-{Guid.NewGuid():N}"[..16];
            var agentFolder = Path.Combine(services.Folder, "agent");
            var agentSettings = new Dictionary<string, string>
            {
                ["AGENT_ID"] = agentId,
                ["SERVER_URL"] = apiUrl,
                ["ENROLLMENT_TOKEN"] = enrollmentToken,
                ["COLLECTION_INTERVAL"] = "1",
                ["SPOOL_DIRECTORY"] = Path.Combine(agentFolder, "spool"),
            };
            var agent = services.Start("Monitoring.Agent", agentSettings);

            await Eventually.GetAsync($"/latest answers 200 for {agentId}", SampleTimeout,
                cancellation => GetOrNullAsync(api, $"/api/v1/metrics/{agentId}/latest", MonitoringJsonContext.Default.LatestMetrics, cancellation),
                services.ThrowIfAnyExited);
            var keyPath = Path.Combine(agentFolder, "agent.key");
            var key = (await File.ReadAllTextAsync(keyPath, ct)).Trim();
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(keyPath));
            var keys = (await api.GetFromJsonAsync(new Uri("/api/v1/agent-keys", UriKind.Relative), MonitoringJsonContext.Default.AgentKeyList, ct))!.AgentKeys;
            var listed = Assert.Single(keys);
            Assert.Equal(agentId, listed.AgentId);
            Assert.StartsWith($"mkey_{listed.Prefix}_", key, StringComparison.Ordinal);
            Assert.DoesNotContain(key, agent.Output.ToString(), StringComparison.Ordinal);
            Assert.DoesNotContain(enrollmentToken, agent.Output.ToString(), StringComparison.Ordinal);

            // The token is spent: only the stored key can bring the restarted agent's samples in.
            await services.KillAsync(agent);
            var restartedAt = DateTimeOffset.UtcNow;
            var restarted = services.Start("Monitoring.Agent", agentSettings);
            await Eventually.GetAsync($"a sample of {agentId} taken after the restart", SampleTimeout,
                async cancellation => await GetOrNullAsync(api, $"/api/v1/metrics/{agentId}/latest", MonitoringJsonContext.Default.LatestMetrics, cancellation)
                    is { } latest && latest.Timestamp > restartedAt ? latest : null,
                services.ThrowIfAnyExited);
            Assert.Contains("Reporting with the agent key stored in", restarted.Output.ToString(), StringComparison.Ordinal);
            Assert.Single((await api.GetFromJsonAsync(new Uri("/api/v1/agent-keys", UriKind.Relative), MonitoringJsonContext.Default.AgentKeyList, ct))!.AgentKeys);
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

}
