using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Monitoring.Abstractions;
using Monitoring.Abstractions.Alerting;
using Monitoring.Silo.Alerts;
using Monitoring.Tests.Cluster;
using Orleans.TestingHost;

namespace Monitoring.Tests.Alerts;

/// <summary>Our alerts reach a real Alertmanager (Debian's <c>prometheus-alertmanager</c>) through its own <c>/api/v2/alerts</c>.</summary>
[Collection(ClusterCollection.Name)]
public sealed class AlertmanagerTests(ClusterFixture fixture)
{
    private const string Binary = "/usr/bin/prometheus-alertmanager";

    [Fact]
    public async Task Firing_and_resolved_alerts_reach_alertmanager()
    {
        var ct = TestContext.Current.CancellationToken;
        var folder = Directory.CreateTempSubdirectory("monitoring-alertmanager-").FullName;
        using var alertmanager = StartAlertmanager(folder, fixture.AlertmanagerPort);
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{fixture.AlertmanagerPort}") };
            await Eventually.TrueAsync(async () => await Answers(http, "/-/ready"), "Alertmanager is ready");
            var agent = Samples.NewAgentId();
            var rule = await AddRuleAsync(AlertingClusterFixture.Rule(agent) with { Labels = new Dictionary<string, string> { ["team"] = "ops" } });
            var grain = fixture.Grains.GetAgentGrain(agent);

            await grain.Report(Samples.Sample(agent, Samples.RecentTime(30), cpu: 95));

            JsonElement alert = default;
            await Eventually.TrueAsync(async () => (alert = Find(await Alerts(http, ct), rule.Id!, agent)).ValueKind != JsonValueKind.Undefined,
                "the firing alert is in Alertmanager");
            Assert.Equal("active", alert.GetProperty("status").GetProperty("state").GetString());
            Assert.Equal(("ops", "warning", "cpu_percent"), (Label(alert, "team"), Label(alert, "severity"), Label(alert, "series")));
            Assert.Equal(rule.Name, Label(alert, "alertname"));
            Assert.Equal($"host {agent} at 95", alert.GetProperty("annotations").GetProperty("summary").GetString());

            await grain.Report(Samples.Sample(agent, Samples.RecentTime(0), cpu: 5));

            await Eventually.TrueAsync(async () => Find(await Alerts(http, ct), rule.Id!, agent).ValueKind == JsonValueKind.Undefined,
                "Alertmanager has the alert resolved");
        }
        finally
        {
            alertmanager.Kill(entireProcessTree: true);
            await alertmanager.WaitForExitAsync(ct);
            Directory.Delete(folder, recursive: true);
        }
    }

    private static Process StartAlertmanager(string folder, int port)
    {
        Assert.True(File.Exists(Binary), $"{Binary} is missing: install Debian's prometheus-alertmanager (.ci/run does).");
        var config = Path.Combine(folder, "alertmanager.yml");
        File.WriteAllText(config, """
            route:
              receiver: blackhole
            receivers:
              - name: blackhole
            """);
        var start = new ProcessStartInfo(Binary)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in (string[])[$"--config.file={config}", $"--storage.path={Path.Combine(folder, "data")}",
            $"--web.listen-address=127.0.0.1:{port}", "--cluster.listen-address="])
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

    private async Task<Contracts.AlertRule> AddRuleAsync(Contracts.AlertRule rule)
    {
        var change = await fixture.Grains.GetGrain<IAlertRuleSetGrain>(0).Add(rule);
        foreach (var silo in fixture.Cluster.Silos.Cast<InProcessSiloHandle>())
        {
            var cache = silo.SiloHost.Services.GetRequiredService<AlertRuleCache>();
            await Eventually.TrueAsync(async () => (await cache.GetAsync()).Version >= change.Version, "the silos have the new rule");
        }

        return change.Rule!;
    }

    private static async Task<bool> Answers(HttpClient http, string path)
    {
        try
        {
            return (await http.GetAsync(path)).IsSuccessStatusCode;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }

    private static async Task<JsonElement> Alerts(HttpClient http, CancellationToken ct) =>
        JsonDocument.Parse(await http.GetStringAsync("/api/v2/alerts", ct)).RootElement;

    private static JsonElement Find(JsonElement alerts, string ruleId, string agentId) =>
        alerts.EnumerateArray().FirstOrDefault(a => Label(a, "rule_id") == ruleId && Label(a, "agent_id") == agentId);

    private static string? Label(JsonElement alert, string name) =>
        alert.GetProperty("labels").TryGetProperty(name, out var value) ? value.GetString() : null;
}
