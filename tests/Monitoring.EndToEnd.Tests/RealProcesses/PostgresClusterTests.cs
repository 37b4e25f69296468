using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using Monitoring.Contracts;
using Monitoring.Tests.Storage;
using Npgsql;
using Xunit.Sdk;

using static Monitoring.EndToEnd.Tests.RealProcesses.LoopbackCluster;

namespace Monitoring.EndToEnd.Tests.RealProcesses;

/// <summary>
/// <c>Storage:Provider=postgres</c> on the real processes and a real PostgreSQL server: the silo joins the cluster through
/// ADO.NET clustering, the API finds it there as a client, and samples, the registry and grain state (the alert rules)
/// live in the server, so a restart of both processes loses nothing and a re-sent sample is still stored once.
/// </summary>
public sealed class PostgresClusterTests(PostgresServer server) : IClassFixture<PostgresServer>
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);

    [Fact(Timeout = 240_000)]
    public async Task Samples_acknowledged_on_postgres_are_all_there_after_silo_and_api_restart_and_a_resent_one_is_stored_once()
    {
        await using var services = new ServiceProcesses();
        try
        {
            var database = await server.CreateDatabaseAsync("e2e");
            var ports = Loopback.FreePorts(4);
            using var api = new HttpClient { BaseAddress = new Uri(ApiUrl(ports)), Timeout = TimeSpan.FromSeconds(10) };
            var agent = $"pg-{Guid.NewGuid():N}"[..16];
            var start = DateTimeOffset.UtcNow.AddMinutes(-10);
            var samples = Enumerable.Range(0, 20).Select(i => Sample(agent, start.AddSeconds(i * 10))).ToArray();

            var first = await StartAsync(services, ports, database, api);
            using (var response = await api.PostAsJsonAsync("/api/v1/metrics/batch", samples, MonitoringJsonContext.Default.MetricsReportArray, TestContext.Current.CancellationToken))
            {
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            }

            Assert.Equal(20, (await HistoryAsync(api, agent)).Count);
            var rules = await api.GetFromJsonAsync("/api/v1/alert-rules", MonitoringJsonContext.Default.AlertRuleList, TestContext.Current.CancellationToken);
            var deleted = rules!.Rules[0].Id;
            using (var delete = await api.DeleteAsync(new Uri($"/api/v1/alert-rules/{deleted}", UriKind.Relative), TestContext.Current.CancellationToken))
            {
                Assert.True(delete.IsSuccessStatusCode, $"Deleting rule {deleted} answered {delete.StatusCode}.");
            }

            foreach (var process in first)
            {
                await services.KillAsync(process);
            }

            await StartAsync(services, ports, database, api);
            using (var resent = await api.PostAsJsonAsync("/api/v1/metrics", samples[7], MonitoringJsonContext.Default.MetricsReport, TestContext.Current.CancellationToken))
            {
                Assert.Equal(HttpStatusCode.OK, resent.StatusCode);
            }

            var history = await HistoryAsync(api, agent);
            var agents = await api.GetFromJsonAsync("/api/v1/agents", MonitoringJsonContext.Default.AgentList, TestContext.Current.CancellationToken);
            var rulesAfter = await api.GetFromJsonAsync("/api/v1/alert-rules", MonitoringJsonContext.Default.AlertRuleList, TestContext.Current.CancellationToken);

            Assert.Equal(samples.Select(s => Microseconds(s.Timestamp!.Value)), history);
            Assert.Contains(agents!.Agents, a => a.AgentId == agent);
            Assert.DoesNotContain(rulesAfter!.Rules, r => r.Id == deleted);
            Assert.Equal(rules.Rules.Count - 1, rulesAfter.Rules.Count);
            await using var connection = new NpgsqlConnection(database);
            await connection.OpenAsync(TestContext.Current.CancellationToken);
            Assert.Equal(20L, await ScalarAsync(connection, "SELECT count(*) FROM history_head h JOIN agents a USING (agent_no) WHERE a.agent_id = @agent", agent));
            Assert.True(await ScalarAsync(connection, "SELECT count(*) FROM OrleansMembershipTable WHERE DeploymentId = @agent", "e2e-postgres") >= 2);
            Assert.Equal(1L, await ScalarAsync(connection, "SELECT count(*) FROM OrleansStorage WHERE GrainTypeString = @agent", "alert-rules"));
        }
        catch (Exception failure)
        {
            throw new XunitException($"{failure.GetType().Name}: {failure.Message}{Environment.NewLine}{services.Describe()}", failure);
        }
    }

    /// <summary>Starts the silo and the API on PostgreSQL, and waits until the API is healthy and a grain call goes through.</summary>
    private static async Task<ServiceProcess[]> StartAsync(ServiceProcesses services, int[] ports, string database, HttpClient api)
    {
        var shared = new Dictionary<string, string>
        {
            ["Storage__Provider"] = "postgres",
            ["ConnectionStrings__monitoring"] = database,
            ["Cluster__ServiceId"] = "monitoring-e2e",
            ["Cluster__ClusterId"] = "e2e-postgres",
            // The SQLite file that still keeps alert history and the outbox goes to the test's folder, not the user's.
            ["XDG_DATA_HOME"] = services.Folder,
        };
        var silo = services.Start("Monitoring.Silo", new Dictionary<string, string>(shared)
        {
            ["ASPNETCORE_URLS"] = SiloUrl(ports),
            ["Cluster__SiloPort"] = Text(ports[0]),
            ["Cluster__GatewayPort"] = Text(ports[1]),
            ["Cluster__AdvertisedAddress"] = "127.0.0.1",
        });
        var apiProcess = services.Start("Monitoring.Api", new Dictionary<string, string>(shared) { ["ASPNETCORE_URLS"] = api.BaseAddress!.ToString().TrimEnd('/') });
        await Eventually.GetAsync("the API answers /health", StartTimeout, async cancellation =>
            await api.GetAsync(new Uri("/health", UriKind.Relative), cancellation) is { IsSuccessStatusCode: true } response ? response : null,
            services.ThrowIfAnyExited);
        return [silo, apiProcess];
    }

    private static async Task<List<DateTimeOffset>> HistoryAsync(HttpClient api, string agent)
    {
        var now = DateTimeOffset.UtcNow;
        var from = (now - TimeSpan.FromMinutes(30)).UtcDateTime.ToString("O", CultureInfo.InvariantCulture);
        var to = (now + TimeSpan.FromMinutes(1)).UtcDateTime.ToString("O", CultureInfo.InvariantCulture);
        var history = await api.GetFromJsonAsync($"/api/v1/metrics/{agent}/history?from={from}&to={to}", MonitoringJsonContext.Default.HistoryResponse, TestContext.Current.CancellationToken);
        return [.. history!.Samples!.Select(sample => Microseconds(sample.Timestamp))];
    }

    private static async Task<long> ScalarAsync(NpgsqlConnection connection, string sql, string agent)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("agent", agent);
        return Convert.ToInt64(await command.ExecuteScalarAsync(TestContext.Current.CancellationToken), CultureInfo.InvariantCulture);
    }

    private static MetricsReport Sample(string agent, DateTimeOffset at) => new()
    {
        AgentId = agent,
        Timestamp = at,
        System = new SystemMetrics
        {
            CpuPercent = 12.5,
            Memory = new MemoryMetrics { Percent = 40 },
            Disk = new DiskMetrics { Percent = 50 },
        },
    };

    /// <summary>History keeps microseconds; the test's clock has 100 ns ticks.</summary>
    private static DateTimeOffset Microseconds(DateTimeOffset timestamp) =>
        new(timestamp.UtcTicks - (timestamp.UtcTicks % 10), TimeSpan.Zero);

}
