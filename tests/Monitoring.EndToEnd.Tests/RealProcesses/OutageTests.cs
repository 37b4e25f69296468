using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using Monitoring.Contracts;
using Xunit.Sdk;

using static Monitoring.EndToEnd.Tests.RealProcesses.LoopbackCluster;

namespace Monitoring.EndToEnd.Tests.RealProcesses;

/// <summary>
/// Zero loss through a server outage: the real agent at a one-second interval keeps collecting while the API and the
/// silo are down for 30 s, and once they are back (same ports, same SQLite file) every sample it collected is in
/// history exactly once, in timestamp order. What the agent collected is read from its debug log, one line per sample,
/// written just after the sample is in the spool.
/// </summary>
public sealed class OutageTests
{
    private const string CollectedLine = "Collected a sample at ";
    private static readonly TimeSpan Outage = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Two missing one-second samples leave a gap of three seconds; a timer tick that a busy machine runs late moves one
    /// sample by under a second. A single missing sample is caught by the comparison with the agent's log.
    /// </summary>
    private static readonly TimeSpan MaxGap = TimeSpan.FromSeconds(2.5);

    [Fact(Timeout = 240_000)]
    public Task Every_sample_collected_through_a_30_s_server_outage_is_stored_once_in_order() => RunAsync(killAgentMidOutage: false);

    [Fact(Timeout = 240_000)]
    public Task Every_sample_collected_through_an_outage_and_an_agent_sigkill_is_stored_once_in_order() => RunAsync(killAgentMidOutage: true);

    private static async Task RunAsync(bool killAgentMidOutage)
    {
        await using var services = new ServiceProcesses();
        var collected = new List<List<DateTimeOffset>>();
        try
        {
            var ports = Loopback.FreePorts(4);
            var apiUrl = ApiUrl(ports);
            using var api = new HttpClient { BaseAddress = new Uri(apiUrl), Timeout = TimeSpan.FromSeconds(5) };
            var server = await StartServerAsync(services, ports, api);

            var agentId = $"e2e-{Guid.NewGuid():N}"[..16];
            var agentEnvironment = new Dictionary<string, string>
            {
                ["AGENT_ID"] = agentId,
                ["SERVER_URL"] = apiUrl,
                ["COLLECTION_INTERVAL"] = "1",
                ["SPOOL_DIRECTORY"] = Path.Combine(services.Folder, "spool"),
                // A short backoff cap and start delay, so the agent notices the server's return within seconds.
                ["RETRY_MAX_DELAY"] = "4",
                ["BACKFILL_START_DELAY"] = "2",
                ["Logging__LogLevel__Monitoring.Agent.Collectors.CollectionService"] = "Debug",
            };
            var agent = StartAgent(services, agentEnvironment, collected);

            await WaitForHistoryAsync(api, agentId, services, minimum: 3);
            foreach (var process in server)
            {
                await services.KillAsync(process);
            }

            if (killAgentMidOutage)
            {
                await Task.Delay(Outage / 2, TestContext.Current.CancellationToken);
                await services.KillAsync(agent);
                StartAgent(services, agentEnvironment, collected);
                await Task.Delay(Outage / 2, TestContext.Current.CancellationToken);
            }
            else
            {
                await Task.Delay(Outage, TestContext.Current.CancellationToken);
            }

            Assert.True(Snapshot(collected).Sum(run => run.Count) > Outage.TotalSeconds, "The agent kept collecting during the outage.");
            await StartServerAsync(services, ports, api);

            // Everything collected until now must arrive; later samples may still be on their way when history is read.
            var expected = Snapshot(collected);
            var until = expected[^1][^1];
            var stored = await Eventually.GetAsync($"history holds every sample {agentId} collected up to {until:O}", DrainTimeout, async cancellation =>
                await GetHistoryAsync(api, agentId, cancellation) is { } history && expected.SelectMany(run => run).All(history.Contains) ? history : null,
                services.ThrowIfAnyExited);

            var storedUntil = stored.Where(timestamp => timestamp <= until).ToList();
            Assert.Equal(storedUntil.Count, storedUntil.Distinct().Count());
            Assert.Equal(storedUntil.Order(), storedUntil);
            var extra = storedUntil.Except(expected.SelectMany(run => run)).ToList();
            if (killAgentMidOutage)
            {
                // A line the console logger had queued but not written when SIGKILL came: the sample itself was spooled and sent.
                Assert.True(extra.Count <= 2 && extra.All(timestamp => timestamp > expected[0][^1] && timestamp < expected[1][0]),
                    $"Stored samples the agent never collected: {string.Join(", ", extra.Select(t => t.ToString("O", CultureInfo.InvariantCulture)))}");
            }
            else
            {
                Assert.Empty(extra);
            }

            // Once drained, the agent's health in its newest sample says so, and its clock agrees with the server's (same machine).
            var health = await Eventually.GetAsync("the newest sample reports an empty spool", DrainTimeout, async cancellation =>
                await GetLatestHealthAsync(api, agentId, cancellation) is { SpoolDepth: 0 } drained ? drained : null,
                services.ThrowIfAnyExited);
            Assert.Equal(0, health.OldestUnsentSeconds);
            Assert.Equal(0, health.DroppedTotal);
            Assert.Equal(0, health.RejectedTotal);
            Assert.InRange(health.ClockOffsetMs!.Value, -2_000, 2_000);
            Assert.False(string.IsNullOrEmpty(health.Version));
            Assert.False(string.IsNullOrEmpty(health.Os));

            // Within each run of the agent, a sample every second: the outage left no hole in history.
            foreach (var run in expected)
            {
                var inRun = storedUntil.Where(timestamp => timestamp >= run[0] && timestamp <= run[^1]).ToList();
                Assert.True(run[^1] - run[0] > (killAgentMidOutage ? Outage / 3 : Outage), "Each run of the agent spans the outage it lived through.");
                Assert.All(inRun.Zip(inRun.Skip(1)), pair => Assert.True(pair.Second - pair.First < MaxGap,
                    $"History has a gap from {pair.First:O} to {pair.Second:O}."));
            }
        }
        catch (Exception failure)
        {
            throw new XunitException($"{failure.GetType().Name}: {failure.Message}{Environment.NewLine}{services.Describe()}", failure);
        }
    }

    /// <summary>Starts the silo and the API on the given ports and the test's SQLite file, and waits until the API is healthy.</summary>
    private static async Task<ServiceProcess[]> StartServerAsync(ServiceProcesses services, int[] ports, HttpClient api)
    {
        var cluster = Cluster(ports, "e2e-outage");
        var silo = services.Start("Monitoring.Silo", new Dictionary<string, string>(Silo(ports, "e2e-outage", Path.Combine(services.Folder, "monitoring.db")))
        {
        });
        var apiProcess = services.Start("Monitoring.Api", new Dictionary<string, string>(cluster) { ["ASPNETCORE_URLS"] = api.BaseAddress!.ToString().TrimEnd('/') });
        await Eventually.GetAsync("the API answers /health", StartTimeout, async cancellation =>
            await api.GetAsync(new Uri("/health", UriKind.Relative), cancellation) is { IsSuccessStatusCode: true } response ? response : null,
            services.ThrowIfAnyExited);
        return [silo, apiProcess];
    }

    /// <summary>Starts an agent whose collected timestamps are appended, as a new run, to <paramref name="collected"/>.</summary>
    private static ServiceProcess StartAgent(ServiceProcesses services, Dictionary<string, string> environment, List<List<DateTimeOffset>> collected)
    {
        var run = new List<DateTimeOffset>();
        lock (collected)
        {
            collected.Add(run);
        }

        return services.Start("Monitoring.Agent", environment, line =>
        {
            var at = line.IndexOf(CollectedLine, StringComparison.Ordinal);
            if (at >= 0)
            {
                var text = line[(at + CollectedLine.Length)..].Split(';')[0];
                lock (collected)
                {
                    run.Add(DateTimeOffset.ParseExact(text, "O", CultureInfo.InvariantCulture));
                }
            }
        });
    }

    private static List<List<DateTimeOffset>> Snapshot(List<List<DateTimeOffset>> collected)
    {
        lock (collected)
        {
            return [.. collected.Select(run => run.Select(Microseconds).ToList())];
        }
    }

    private static async Task WaitForHistoryAsync(HttpClient api, string agentId, ServiceProcesses services, int minimum) =>
        await Eventually.GetAsync($"history holds {minimum} samples of {agentId}", StartTimeout, async cancellation =>
            await GetHistoryAsync(api, agentId, cancellation) is { } history && history.Count >= minimum ? history : null,
            services.ThrowIfAnyExited);

    private static async Task<List<DateTimeOffset>?> GetHistoryAsync(HttpClient api, string agentId, CancellationToken cancellation)
    {
        var now = DateTimeOffset.UtcNow;
        var from = (now - TimeSpan.FromMinutes(30)).UtcDateTime.ToString("O", CultureInfo.InvariantCulture);
        var to = (now + TimeSpan.FromMinutes(1)).UtcDateTime.ToString("O", CultureInfo.InvariantCulture);
        using var response = await api.GetAsync(new Uri($"/api/v1/metrics/{agentId}/history?from={from}&to={to}", UriKind.Relative), cancellation);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            return null;
        }

        var history = await response.Content.ReadFromJsonAsync(MonitoringJsonContext.Default.HistoryResponse, cancellation);
        return history?.Samples?.Select(sample => Microseconds(sample.Timestamp)).ToList();
    }

    private static async Task<AgentHealth?> GetLatestHealthAsync(HttpClient api, string agentId, CancellationToken cancellation)
    {
        using var response = await api.GetAsync(new Uri($"/api/v1/metrics/{agentId}/latest", UriKind.Relative), cancellation);
        return response.StatusCode == HttpStatusCode.OK
            ? (await response.Content.ReadFromJsonAsync(MonitoringJsonContext.Default.LatestMetrics, cancellation))?.Agent
            : null;
    }

    /// <summary>History keeps microseconds; the agent's clock has 100 ns ticks.</summary>
    private static DateTimeOffset Microseconds(DateTimeOffset timestamp) =>
        new(timestamp.UtcTicks - (timestamp.UtcTicks % 10), TimeSpan.Zero);

}
