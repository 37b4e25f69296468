using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Monitoring.Contracts;

using static Monitoring.EndToEnd.Tests.RealProcesses.LoopbackCluster;

namespace Monitoring.EndToEnd.Tests.RealProcesses;

/// <summary>
/// Debian's Prometheus scrapes the real silo's and API's <c>/metrics</c> and the API's fleet export on loopback, and its
/// own PromQL API then answers with the values we ingested.
/// </summary>
public sealed class PrometheusScrapeTests
{
    private const string Binary = "/usr/bin/prometheus";
    private const string ReadToken = "prometheus-read-token-0123456789";

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    [Fact(Timeout = 180_000)]
    public async Task Prometheus_scrapes_our_meters_and_the_fleet_and_answers_promql_with_the_ingested_values()
    {
        Assert.True(File.Exists(Binary), $"{Binary} is missing: install Debian's prometheus (.ci/run does).");
        var ct = TestContext.Current.CancellationToken;
        await using var services = new ServiceProcesses();
        var ports = Loopback.FreePorts(5);
        using var api = new HttpClient { BaseAddress = new Uri(ApiUrl(ports)), Timeout = TimeSpan.FromSeconds(10) };
        services.Start("Monitoring.Silo", Silo(ports, "e2e-prometheus", Path.Combine(services.Folder, "monitoring.db")));
        services.Start("Monitoring.Api", new Dictionary<string, string>(Cluster(ports, "e2e-prometheus"))
        {
            ["ASPNETCORE_URLS"] = api.BaseAddress.ToString().TrimEnd('/'),
            ["AccessTokens__0__Token"] = ReadToken,
            ["AccessTokens__0__Role"] = "read",
        });
        await Eventually.GetAsync("the API is ready", StartTimeout, async cancellation =>
            await api.GetAsync(new Uri("/health", UriKind.Relative), cancellation) is { StatusCode: HttpStatusCode.OK } response ? response : null,
            services.ThrowIfAnyExited);
        var agent = $"prom-{Guid.NewGuid():N}"[..20];
        var sent = await api.PostAsJsonAsync(new Uri("/api/v1/metrics", UriKind.Relative), Sample(agent, DateTimeOffset.UtcNow), MonitoringJsonContext.Default.MetricsReport, ct);
        Assert.Equal(HttpStatusCode.OK, sent.StatusCode);

        using var prometheus = StartPrometheus(services.Folder, ports[4], silo: ports[2], api: ports[3]);
        try
        {
            using var promql = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{Text(ports[4])}"), Timeout = TimeSpan.FromSeconds(10) };

            var cpu = await QueryAsync(promql, $"monitoring_agent_cpu_percent{{agent_id=\"{agent}\",job=\"fleet\"}}", prometheus, services);
            var accepted = await QueryAsync(promql, "sum(monitoring_ingest_accepted_total{job=\"api\"})", prometheus, services);
            var stored = await QueryAsync(promql, "sum(monitoring_history_samples_stored_total{job=\"silo\"})", prometheus, services);
            var agentUp = await QueryAsync(promql, $"monitoring_agent_up{{agent_id=\"{agent}\",agent_name=\"rack \\\"9\\\"\"}}", prometheus, services);

            Assert.Equal(37.5, cpu);
            Assert.Equal(1, accepted);
            Assert.Equal(1, stored);
            Assert.Equal(1, agentUp);
        }
        finally
        {
            prometheus.Kill(entireProcessTree: true);
            await prometheus.WaitForExitAsync(ct);
        }
    }

    /// <summary>The value of the query's single series, once Prometheus has scraped it.</summary>
    private static async Task<double> QueryAsync(HttpClient promql, string query, Process prometheus, ServiceProcesses services)
    {
        var value = await Eventually.GetAsync($"Prometheus answers {query}", StartTimeout, async cancellation =>
        {
            var answer = await promql.GetFromJsonAsync<JsonElement>($"/api/v1/query?query={Uri.EscapeDataString(query)}", cancellation);
            var result = answer.GetProperty("data").GetProperty("result");
            return result.GetArrayLength() == 1 ? result[0].GetProperty("value")[1].GetString() : null;
        }, () =>
        {
            services.ThrowIfAnyExited();
            if (prometheus.HasExited)
            {
                throw new InvalidOperationException($"Prometheus exited with code {prometheus.ExitCode}.");
            }
        });
        return double.Parse(value, CultureInfo.InvariantCulture);
    }

    private static Process StartPrometheus(string folder, int port, int silo, int api)
    {
        var config = Path.Combine(folder, "prometheus.yml");
        File.WriteAllText(config, $$"""
            global:
              scrape_interval: 1s
              scrape_timeout: 1s
            scrape_configs:
              - job_name: silo
                static_configs: [{targets: ["127.0.0.1:{{Text(silo)}}"]}]
              - job_name: api
                authorization: {credentials: "{{ReadToken}}"}
                static_configs: [{targets: ["127.0.0.1:{{Text(api)}}"]}]
              - job_name: fleet
                metrics_path: /api/v1/export/prometheus
                honor_labels: true
                authorization: {credentials: "{{ReadToken}}"}
                static_configs: [{targets: ["127.0.0.1:{{Text(api)}}"]}]
            """);
        var start = new ProcessStartInfo(Binary) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in (string[])[$"--config.file={config}", $"--storage.tsdb.path={Path.Combine(folder, "prometheus")}",
            $"--web.listen-address=127.0.0.1:{Text(port)}"])
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static MetricsReport Sample(string agent, DateTimeOffset at) => new()
    {
        AgentId = agent,
        AgentName = "rack \"9\"",
        Timestamp = at,
        System = new SystemMetrics
        {
            CpuPercent = 37.5,
            Memory = new MemoryMetrics { Percent = 40 },
            Disk = new DiskMetrics { Percent = 50 },
        },
    };

}
