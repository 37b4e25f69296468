using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using Microsoft.Data.Sqlite;
using Monitoring.Contracts;

using static Monitoring.EndToEnd.Tests.RealProcesses.LoopbackCluster;

namespace Monitoring.EndToEnd.Tests.RealProcesses;

/// <summary>
/// Readiness tells the truth, on the real processes: the silo's <c>/health</c> answers 503 while its database cannot be
/// written and while its disk is below the free-space threshold, and the API's while the silo is gone; <c>/alive</c>
/// stays liveness only. Requests caught in flight by a silo's death are answered 503 within 5 s, and once the silo is back
/// their retries are stored once.
/// </summary>
public sealed class ReadinessTests
{
    private const string ClusterId = "e2e-readiness";

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan VerdictTimeout = TimeSpan.FromSeconds(15);

    [Fact(Timeout = 180_000)]
    public async Task Health_answers_503_while_the_store_is_locked_and_after_the_silo_is_gone_and_200_again_once_it_can_work()
    {
        await using var services = new ServiceProcesses();
        var ports = Loopback.FreePorts(4);
        using var silo = new HttpClient { BaseAddress = new Uri(SiloUrl(ports)), Timeout = TimeSpan.FromSeconds(10) };
        using var api = new HttpClient { BaseAddress = new Uri(ApiUrl(ports)), Timeout = TimeSpan.FromSeconds(10) };
        var database = Path.Combine(services.Folder, "monitoring.db");
        var siloProcess = services.Start("Monitoring.Silo", Silo(ports, ClusterId, database));
        services.Start("Monitoring.Api", new Dictionary<string, string>(Cluster(ports, ClusterId)) { ["ASPNETCORE_URLS"] = api.BaseAddress.ToString().TrimEnd('/') });
        await StatusAsync(api, "/health", HttpStatusCode.OK, StartTimeout, services);
        await StatusAsync(silo, "/health", HttpStatusCode.OK, StartTimeout, services);

        // Another writer holds the database's write lock: the silo could acknowledge nothing, so it is not ready.
        await using (var holder = new SqliteConnection($"Data Source={database}"))
        {
            await holder.OpenAsync(TestContext.Current.CancellationToken);
            await using var command = holder.CreateCommand();
            command.CommandText = "BEGIN IMMEDIATE;";
            await command.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
            await StatusAsync(silo, "/health", HttpStatusCode.ServiceUnavailable, VerdictTimeout, services);
            Assert.Equal(HttpStatusCode.OK, (await silo.GetAsync(new Uri("/alive", UriKind.Relative), TestContext.Current.CancellationToken)).StatusCode);
            command.CommandText = "ROLLBACK;";
            await command.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
        }

        await StatusAsync(silo, "/health", HttpStatusCode.OK, VerdictTimeout, services);

        await services.KillAsync(siloProcess);
        await StatusAsync(api, "/health", HttpStatusCode.ServiceUnavailable, VerdictTimeout, services);
        Assert.Equal(HttpStatusCode.OK, (await api.GetAsync(new Uri("/alive", UriKind.Relative), TestContext.Current.CancellationToken)).StatusCode);

        services.Start("Monitoring.Silo", Silo(ports, ClusterId, database));
        await StatusAsync(api, "/health", HttpStatusCode.OK, StartTimeout, services);
    }

    [Fact(Timeout = 240_000)]
    public async Task Requests_in_flight_when_the_silo_is_killed_are_answered_503_within_5_s_and_their_retry_is_stored_once()
    {
        await using var services = new ServiceProcesses();
        var ports = Loopback.FreePorts(4);
        var database = Path.Combine(services.Folder, "monitoring.db");
        using var api = new HttpClient { BaseAddress = new Uri(ApiUrl(ports)), Timeout = TimeSpan.FromSeconds(60) };
        var silo = services.Start("Monitoring.Silo", Silo(ports, ClusterId, database));
        services.Start("Monitoring.Api", new Dictionary<string, string>(Cluster(ports, ClusterId))
        {
            ["ASPNETCORE_URLS"] = api.BaseAddress.ToString().TrimEnd('/'),
            // Eight agents backfilling as fast as they can, far over an agent's default rate: this test is about the silo's death.
            ["RateLimits__IngestSamplesPerSecond"] = "1000000",
            ["RateLimits__IngestBurstSamples"] = "10000000",
        });
        await StatusAsync(api, "/health", HttpStatusCode.OK, StartTimeout, services);

        // Half the senders post batches of 100 samples, half one sample a request, as the seed's agents do.
        var answers = new ConcurrentBag<Answer>();
        using var stop = new CancellationTokenSource();
        var senders = Enumerable.Range(0, 8).Select(sender => Task.Run(async () =>
        {
            var agent = $"inflight-{sender}-{Guid.NewGuid():N}"[..24];
            var start = DateTimeOffset.UtcNow.AddHours(-1);
            var size = sender % 2 == 0 ? 100 : 1;
            for (var request = 0; !stop.IsCancellationRequested; request++)
            {
                var samples = Enumerable.Range(0, size).Select(i => Sample(agent, start.AddMilliseconds((request * size) + i))).ToArray();
                var sent = DateTimeOffset.UtcNow;
                var clock = Stopwatch.StartNew();
                var status = await PostAsync(api, samples);
                answers.Add(new Answer(agent, samples, sent, clock.Elapsed, status));
                if (status != HttpStatusCode.OK)
                {
                    // A pause as an agent's backoff would make, so that the outage leaves hundreds of refusals to retry, not thousands.
                    await Task.Delay(TimeSpan.FromMilliseconds(200), CancellationToken.None);
                }
            }
        })).ToArray();

        await Task.Delay(TimeSpan.FromSeconds(3), TestContext.Current.CancellationToken);
        var killed = DateTimeOffset.UtcNow;
        await services.KillAsync(silo);
        await Task.Delay(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        await stop.CancelAsync();
        await Task.WhenAll(senders);

        Assert.Contains(answers, a => a.Status == HttpStatusCode.OK && a.Sent < killed);
        var afterKill = answers.Where(a => a.Sent + a.Took > killed).ToList();
        Assert.Contains(afterKill, a => a.Sent < killed);
        Assert.All(afterKill, a =>
        {
            Assert.True(a.Took < TimeSpan.FromSeconds(5), $"a request sent {(a.Sent - killed).TotalSeconds:+0.0;-0.0} s from the kill took {a.Took.TotalSeconds:0.0} s");
            Assert.True(a.Status is HttpStatusCode.OK or HttpStatusCode.ServiceUnavailable, $"answered {a.Status}");
        });

        TestContext.Current.TestOutputHelper?.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{answers.Count} requests, {afterKill.Count} answered after the kill, the slowest in {afterKill.Max(a => a.Took).TotalSeconds:0.00} s, {answers.Count(a => a.Status != HttpStatusCode.OK)} refused"));

        // The silo comes back on the same file; every refused request is sent again, as an agent would, until it is taken.
        services.Start("Monitoring.Silo", Silo(ports, ClusterId, database));
        await StatusAsync(api, "/health", HttpStatusCode.OK, StartTimeout, services);
        var refused = answers.Where(a => a.Status != HttpStatusCode.OK).ToList();
        Assert.NotEmpty(refused);
        await Task.WhenAll(refused.GroupBy(a => a.Agent).Select(async agent =>
        {
            foreach (var answer in agent.OrderBy(a => a.Sent))
            {
                await Eventually.GetAsync($"a retry of {answer.Samples.Length} samples of {answer.Agent} answers 200", VerdictTimeout,
                    async _ => await PostAsync(api, answer.Samples) == HttpStatusCode.OK ? answer : null, services.ThrowIfAnyExited);
            }
        }));

        // Each sample acknowledged before the kill or on its retry is stored, and once.
        await using var store = new SqliteConnection($"Data Source={database};Mode=ReadOnly;Pooling=False");
        await store.OpenAsync(TestContext.Current.CancellationToken);
        foreach (var agent in answers.GroupBy(a => a.Agent))
        {
            var acknowledged = agent.SelectMany(a => a.Samples).Select(s => s.Timestamp).Distinct().Count();
            Assert.Equal(acknowledged, await StoredSamplesAsync(store, agent.Key));
        }
    }

    private static async Task<HttpStatusCode?> PostAsync(HttpClient api, MetricsReport[] samples)
    {
        try
        {
            using var response = samples.Length == 1
                ? await api.PostAsJsonAsync("/api/v1/metrics", samples[0], MonitoringJsonContext.Default.MetricsReport)
                : await api.PostAsJsonAsync("/api/v1/metrics/batch", samples, MonitoringJsonContext.Default.MetricsReportArray);
            return response.StatusCode;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return null;
        }
    }

    /// <summary>The agent's samples in the history head and in compacted blocks.</summary>
    private static async Task<long> StoredSamplesAsync(SqliteConnection store, string agentId)
    {
        await using var command = store.CreateCommand();
        command.CommandText = """
            SELECT (SELECT count(*) FROM history_head JOIN agents USING (agent_no) WHERE agent_id = @id)
                + (SELECT coalesce(sum(samples), 0) FROM history_blocks JOIN agents USING (agent_no) WHERE agent_id = @id)
            """;
        command.Parameters.AddWithValue("@id", agentId);
        return (long)(await command.ExecuteScalarAsync(TestContext.Current.CancellationToken))!;
    }

    [Fact(Timeout = 120_000)]
    public async Task The_silo_is_not_ready_while_its_disk_has_less_free_space_than_the_threshold()
    {
        await using var services = new ServiceProcesses();
        var ports = Loopback.FreePorts(4);
        using var silo = new HttpClient { BaseAddress = new Uri(SiloUrl(ports)), Timeout = TimeSpan.FromSeconds(10) };
        services.Start("Monitoring.Silo", new Dictionary<string, string>(Silo(ports, ClusterId, Path.Combine(services.Folder, "monitoring.db")))
        {
            // A petabyte: more than this machine's disk has free.
            ["Storage__MinFreeDiskMegabytes"] = "1000000000",
        });

        await StatusAsync(silo, "/alive", HttpStatusCode.OK, StartTimeout, services);
        await StatusAsync(silo, "/health", HttpStatusCode.ServiceUnavailable, VerdictTimeout, services);
    }

    private static async Task StatusAsync(HttpClient client, string path, HttpStatusCode expected, TimeSpan timeout, ServiceProcesses services) =>
        await Eventually.GetAsync($"{client.BaseAddress}{path.TrimStart('/')} answers {(int)expected}", timeout, async cancellation =>
            await client.GetAsync(new Uri(path, UriKind.Relative), cancellation) is { } response && response.StatusCode == expected ? response : null,
            services.ThrowIfAnyExited);

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


    /// <summary>One request of a sender: its samples, when it was sent, how long its answer took and its status (null: no answer).</summary>
    private sealed record Answer(string Agent, MetricsReport[] Samples, DateTimeOffset Sent, TimeSpan Took, HttpStatusCode? Status);
}
