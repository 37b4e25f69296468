using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using Monitoring.Contracts;
using Xunit.Sdk;

using static Monitoring.EndToEnd.Tests.RealProcesses.LoopbackCluster;

namespace Monitoring.EndToEnd.Tests.RealProcesses;

/// <summary>
/// The silo and the API as real processes, compacting continuously while agents backfill two days of samples: both are
/// killed with SIGKILL twice under that load, restarted on the same SQLite file, and every sample acknowledged with
/// <c>200</c> must end up stored exactly once, compacted into blocks.
/// </summary>
public sealed class CompactionCrashTests
{
    private const int Agents = 4;
    private const int SamplesPerAgent = 2 * 24 * 60;
    private const int BatchSize = 120;
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    [Fact(Timeout = 300_000)]
    public async Task Every_acknowledged_sample_is_stored_once_after_the_silo_is_killed_during_compaction_and_ingest()
    {
        await using var services = new ServiceProcesses();
        try
        {
            var ports = Loopback.FreePorts(4);
            var apiUrl = ApiUrl(ports);
            using var api = new HttpClient { BaseAddress = new Uri(apiUrl), Timeout = TimeSpan.FromSeconds(10) };
            var server = await StartServerAsync(services, ports, api);

            var end = new DateTimeOffset(DateTimeOffset.UtcNow.Year, DateTimeOffset.UtcNow.Month, DateTimeOffset.UtcNow.Day, DateTimeOffset.UtcNow.Hour, 0, 0, TimeSpan.Zero).AddHours(-1);
            var agents = Enumerable.Range(0, Agents).Select(i => $"crash-{i}-{Guid.NewGuid():N}"[..20]).ToArray();
            var acknowledged = agents.ToDictionary(a => a, _ => new HashSet<DateTimeOffset>());
            var batches = agents.SelectMany(agent => Enumerable.Range(0, SamplesPerAgent / BatchSize).Select(b => (Agent: agent, Batch: Enumerable.Range(b * BatchSize, BatchSize)
                .Select(i => Sample(agent, end.AddMinutes(i - SamplesPerAgent), i)).ToArray()))).ToList();

            var sending = Task.WhenAll(agents.Select(agent => SendAllAsync(api, batches.Where(b => b.Agent == agent).Select(b => b.Batch).ToList(), acknowledged[agent])));
            for (var crash = 0; crash < 2; crash++)
            {
                await Eventually.GetAsync($"crash {crash + 1}: a quarter more of the batches acknowledged", TimeSpan.FromSeconds(120),
                    _ => Task.FromResult(Acknowledged(acknowledged) >= (crash + 1) * SamplesPerAgent * Agents / 4 ? (object)true : null),
                    services.ThrowIfAnyExited);
                // Killed while hours are being compacted: some are in blocks already, others still wait in the head.
                await Eventually.GetAsync($"crash {crash + 1}: compaction under way", TimeSpan.FromSeconds(60), async cancellation =>
                    await api.GetFromJsonAsync("/api/v1/storage", MonitoringJsonContext.Default.StorageStats, cancellation) is { PendingCompaction: > 0 } stats
                        && stats.Tiers.Single(t => t.Tier == "raw").Samples > 0 ? stats : null,
                    services.ThrowIfAnyExited);
                foreach (var process in server)
                {
                    await services.KillAsync(process);
                }

                server = await StartServerAsync(services, ports, api);
            }

            await sending;
            var stats = await Eventually.GetAsync("every hour compacted", TimeSpan.FromSeconds(120), async cancellation =>
                await api.GetFromJsonAsync("/api/v1/storage", MonitoringJsonContext.Default.StorageStats, cancellation) is { PendingCompaction: 0 } done ? done : null,
                services.ThrowIfAnyExited);

            Assert.Equal(Agents * SamplesPerAgent, Acknowledged(acknowledged));
            Assert.Equal(Agents * SamplesPerAgent, stats.Samples);
            foreach (var agent in agents)
            {
                var from = Uri.EscapeDataString(end.AddMinutes(-SamplesPerAgent - 1).ToString("O", CultureInfo.InvariantCulture));
                var to = Uri.EscapeDataString(end.ToString("O", CultureInfo.InvariantCulture));
                var history = await api.GetFromJsonAsync($"/api/v1/metrics/{agent}/history?from={from}&to={to}", MonitoringJsonContext.Default.HistoryResponse, TestContext.Current.CancellationToken);
                Assert.Equal(acknowledged[agent].Order(), history!.Samples!.Select(s => s.Timestamp));
            }
        }
        catch (Exception failure)
        {
            throw new XunitException($"{failure.GetType().Name}: {failure.Message}{Environment.NewLine}{services.Describe()}", failure);
        }
    }

    /// <summary>Posts each batch until it is answered 200 (a refused or broken attempt is sent again), oldest first.</summary>
    private static async Task SendAllAsync(HttpClient api, List<MetricsReport[]> batches, HashSet<DateTimeOffset> acknowledged)
    {
        foreach (var batch in batches)
        {
            while (true)
            {
                try
                {
                    using var response = await api.PostAsJsonAsync("/api/v1/metrics/batch", batch, MonitoringJsonContext.Default.MetricsReportArray);
                    if (response.StatusCode == HttpStatusCode.OK)
                    {
                        lock (acknowledged)
                        {
                            acknowledged.UnionWith(batch.Select(s => s.Timestamp!.Value));
                        }

                        break;
                    }
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                {
                    // The server is down or restarting: the batch is sent again.
                }

                await Task.Delay(100);
            }
        }
    }

    private static int Acknowledged(Dictionary<string, HashSet<DateTimeOffset>> acknowledged) =>
        acknowledged.Values.Sum(set => { lock (set) { return set.Count; } });

    private static MetricsReport Sample(string agent, DateTimeOffset at, int i) => new()
    {
        AgentId = agent,
        AgentName = agent,
        Timestamp = at,
        IntervalSeconds = 60,
        System = new SystemMetrics
        {
            CpuPercent = Math.Round(30 + (20 * Math.Sin(i / 11.0)), 1),
            Memory = new MemoryMetrics { Percent = Math.Round(50 + (i % 17 / 10.0), 1), Total = 8_000_000_000, Used = 4_000_000_000 + (i * 4096), Available = 4_000_000_000 - (i * 4096) },
            Disk = new DiskMetrics { Percent = 40, Total = 100_000_000_000, Used = 40_000_000_000, Free = 60_000_000_000 },
            Load = new LoadAverage { Load1 = Math.Round(i % 7 / 3.0, 2), Load5 = 0.5, Load15 = 0.25 },
        },
        Network = [new NetworkCheck { Host = "db.internal", Port = 5432, Status = i % 10 == 0 ? "down" : "up", LatencyMs = i % 10 == 0 ? null : 1.5 + (i % 5), Kind = "tcp" }],
    };

    private static async Task<ServiceProcess[]> StartServerAsync(ServiceProcesses services, int[] ports, HttpClient api)
    {
        var cluster = Cluster(ports, "e2e-compaction-crash");
        var silo = services.Start("Monitoring.Silo", new Dictionary<string, string>(Silo(ports, "e2e-compaction-crash", Path.Combine(services.Folder, "monitoring.db")))
        {
            // Compact every hour as soon as it has ended, all the time, so the kills land in the middle of compactions.
            ["History__CompactionDelay"] = "00:00:00",
            ["History__CompactionInterval"] = "00:00:00.020",
        });
        var apiProcess = services.Start("Monitoring.Api", new Dictionary<string, string>(cluster)
        {
            ["ASPNETCORE_URLS"] = api.BaseAddress!.ToString().TrimEnd('/'),
            // Two days per agent sent at once, far over an agent's default rate: this test is about compaction.
            ["RateLimits__IngestSamplesPerSecond"] = "1000000",
            ["RateLimits__IngestBurstSamples"] = "10000000",
        });
        await Eventually.GetAsync("the API answers /health", StartTimeout, async cancellation =>
            await api.GetAsync(new Uri("/health", UriKind.Relative), cancellation) is { IsSuccessStatusCode: true } response ? response : null,
            services.ThrowIfAnyExited);
        return [silo, apiProcess];
    }

}
