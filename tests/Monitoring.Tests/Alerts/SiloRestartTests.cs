using System.Net.Http.Json;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Monitoring.Abstractions;
using Monitoring.Abstractions.Alerting;
using Monitoring.Contracts;
using Monitoring.Silo;
using Monitoring.Silo.Alerts;
using Monitoring.Silo.Ingest;
using Monitoring.Silo.Storage;
using Orleans.Storage;
using Monitoring.Tests.Cluster;
using Orleans.TestingHost;

namespace Monitoring.Tests.Alerts;

/// <summary>
/// Each test on a cluster of its own that it stops and starts again on the same SQLite file: the outbox delivers what a
/// stopped silo left pending, firing alerts survive a full restart without re-notifying, and the fleet list's liveness
/// follows the configured intervals.
/// </summary>
public sealed class SiloRestartTests : IAsyncLifetime
{
    /// <summary>Static because silo configurators are created by type; only this class's silos use it.</summary>
    private static FakeTimeProvider Clock { get; } = new(DateTimeOffset.FromUnixTimeMilliseconds(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()));

    private const int MissedIntervalsBeforeDown = 5;

    private readonly string _folder = Directory.CreateTempSubdirectory("monitoring-restart-tests-").FullName;

    /// <summary>Grain state is stored per service id: the restarted cluster is the same service.</summary>
    private readonly string _serviceId = $"restart-{Guid.NewGuid():N}";

    private WebhookSink _sink = null!;
    private TestCluster? _cluster;

    private string DatabasePath => Path.Combine(_folder, "monitoring.db");

    private IGrainFactory Grains => _cluster!.GrainFactory;

    public async ValueTask InitializeAsync()
    {
        _sink = await WebhookSink.StartAsync();
        await StartAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(hard: false);
        await _sink.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task A_delivery_pending_when_the_silo_stops_hard_is_delivered_once_after_the_restart()
    {
        var agent = Samples.NewAgentId();
        var rule = await AddRuleAsync(agent);
        _sink.Down = true;

        await Grains.GetAgentGrain(agent).Report(Samples.Sample(agent, Clock.GetUtcNow(), cpu: 95));
        var alertId = (await Grains.GetAgentGrain(agent).GetAlerts()).Alerts.Single(a => a.RuleId == rule.Id).Id;
        // Refused once, the retry waits a minute: the silo stops while the delivery is still pending.
        await Eventually.TrueAsync(() => Task.FromResult(Scalar("SELECT count(*) FROM notifications WHERE alert_id = @id", alertId) > 0), "the first try was refused");
        await StopAsync(hard: true);
        Assert.Equal(1, Scalar("SELECT count(*) FROM notification_outbox WHERE state = 'pending' AND notification_id LIKE @id || '%'", alertId));
        Assert.Empty(_sink.For(alertId));

        _sink.Down = false;
        await StartAsync();

        await Eventually.TrueAsync(() => Task.FromResult(_sink.For(alertId).Count > 0), "the pending delivery arrived after the restart");
        await OutboxEmptyAsync(alertId);
        await Grains.GetAgentGrain(agent).Report(Samples.Sample(agent, Clock.GetUtcNow(), cpu: 96));
        await OutboxEmptyAsync(alertId);
        var delivered = Assert.Single(_sink.For(alertId));
        Assert.Equal(("firing", $"{alertId}~1~firing"), (delivered.Status, delivered.NotificationId));
    }

    [Fact]
    public async Task A_firing_alert_survives_a_full_restart_without_re_notifying_and_liveness_gets_a_grace_period()
    {
        var agent = Samples.NewAgentId();
        var rule = await AddRuleAsync(agent);
        await Grains.GetAgentGrain(agent).Report(Samples.Sample(agent, Clock.GetUtcNow(), cpu: 95));
        var before = (await Grains.GetAgentGrain(agent).GetAlerts()).Alerts.Single(a => a.RuleId == rule.Id);
        await Eventually.TrueAsync(() => Task.FromResult(_sink.For(before.Id).Count == 1), "the firing alert was notified");

        // Down longer than the down threshold while no silo runs; the restart counts liveness from the new activation.
        await StopAsync(hard: false);
        Clock.Advance(TimeSpan.FromSeconds(60 * (MissedIntervalsBeforeDown + 1)));
        await StartAsync();
        Clock.Advance(TimeSpan.FromSeconds(60 * (MissedIntervalsBeforeDown - 1)));
        await Grains.GetAgentGrain(agent).Report(Samples.Sample(agent, Clock.GetUtcNow(), cpu: 96));
        await OutboxEmptyAsync(before.Id);

        var alerts = (await Grains.GetAgentGrain(agent).GetAlerts()).Alerts;
        var after = alerts.Single(a => a.RuleId == rule.Id);
        Assert.Equal(("firing", before.StartedAt, before.FiredAt), (after.State, after.StartedAt, after.FiredAt));
        Assert.DoesNotContain(alerts, a => a.RuleId == "agent_down");
        Assert.Equal(0, Scalar("SELECT count(*) FROM alert_history WHERE agent_id = @id AND rule_id = 'agent_down'", agent));
        Assert.Equal("up", (await Grains.GetAgentGrain(agent).GetSummary())!.Status);
        var notified = Assert.Single(_sink.For(before.Id));
        Assert.Equal("firing", notified.Status);
    }

    [Fact]
    public async Task The_fleet_list_reports_late_and_down_with_the_configured_intervals_like_the_agent()
    {
        var agent = Samples.NewAgentId();
        await Grains.GetAgentGrain(agent).Report(Samples.Sample(agent, Clock.GetUtcNow()));
        await using var api = new ApiFactory(_cluster!);
        api.StartServer();
        using var http = api.CreateClient();

        // Past the default of three intervals, within the configured five: late, not down.
        Clock.Advance(TimeSpan.FromSeconds(60 * (MissedIntervalsBeforeDown - 1)));
        Assert.Equal(("late", "late"), await StatusesAsync(http, agent));

        Clock.Advance(TimeSpan.FromSeconds(60 * 2));
        await Eventually.TrueAsync(async () => await StatusesAsync(http, agent) == ("down", "down"), "both say down");
    }

    [Fact]
    public async Task The_fleet_list_and_the_agent_agree_from_the_moment_a_restarted_silo_watches_the_agent()
    {
        var agent = Samples.NewAgentId();
        await Grains.GetAgentGrain(agent).Report(Samples.Sample(agent, Clock.GetUtcNow()));

        // Silent past the down threshold while no silo runs: the restart gives the agent one grace period, in both views.
        await RestartAsync(whileStopped: TimeSpan.FromSeconds(60 * (MissedIntervalsBeforeDown + 1)), agent);
        await using (var api = new ApiFactory(_cluster!))
        {
            api.StartServer();
            using var http = api.CreateClient();
            Assert.Equal(("up", "up"), await StatusesAsync(http, agent));

            Clock.Advance(TimeSpan.FromSeconds(60 * MissedIntervalsBeforeDown));
            Assert.Equal(("late", "late"), await StatusesAsync(http, agent));

            Clock.Advance(TimeSpan.FromSeconds(1));
            Assert.Equal(("down", "down"), await StatusesAsync(http, agent));
            await Eventually.TrueAsync(
                async () => (await Grains.GetAgentGrain(agent).GetAlerts()).Alerts.Any(a => a.RuleId == "agent_down" && a.State == "firing"),
                "agent_down fired");
        }

        // Down before the restart: no new grace period, and both views still say so.
        await RestartAsync(whileStopped: TimeSpan.Zero, agent);
        await using (var api = new ApiFactory(_cluster!))
        {
            api.StartServer();
            using var http = api.CreateClient();
            Assert.Equal(("down", "down"), await StatusesAsync(http, agent));
        }
    }

    [Fact]
    public async Task A_registration_the_previous_release_kept_in_grain_state_moves_into_the_agents_row_once()
    {
        var agent = Samples.NewAgentId();
        var grainId = Grains.GetAgentGrain(agent).GetGrainId();
        await Grains.GetAgentGrain(agent).Report(Samples.Sample(agent, Clock.GetUtcNow(), name: "web"));
        var storage = ((InProcessSiloHandle)_cluster!.Primary!).SiloHost.Services.GetRequiredKeyedService<IGrainStorage>(StorageNames.Monitoring);
        // What the previous release also kept: the registration in grain state, last seen when its grain deactivated.
        var lastSeen = Clock.GetUtcNow().AddSeconds(3);
        var previous = new AgentRegistration { AgentId = agent, AgentName = "web-renamed", FirstSeen = Clock.GetUtcNow(), LastSeen = lastSeen };
        await storage.WriteStateAsync("agent", grainId, new GrainState<AgentRegistration>(previous));

        await RestartAsync(whileStopped: TimeSpan.Zero, agent);

        var summary = (await Grains.GetAgentGrain(agent).GetSummary())!;
        Assert.Equal(("web-renamed", lastSeen), (summary.AgentName, summary.LastSeen));
        Assert.Equal(UnixMicroseconds.From(lastSeen), Scalar("SELECT last_seen FROM agents WHERE agent_id = @id", agent));
        storage = ((InProcessSiloHandle)_cluster!.Primary!).SiloHost.Services.GetRequiredKeyedService<IGrainStorage>(StorageNames.Monitoring);
        var cleared = new GrainState<AgentRegistration>();
        await storage.ReadStateAsync("agent", grainId, cleared);
        Assert.False(cleared.RecordExists);
    }

    /// <summary>Stops the silo gracefully, moves the clock, starts it again and activates the agent's grain as the start-up sweep does.</summary>
    private async Task RestartAsync(TimeSpan whileStopped, string agent)
    {
        await StopAsync(hard: false);
        Clock.Advance(whileStopped);
        await StartAsync();
        await Grains.GetAgentGrain(agent).Watch();
    }

    private static async Task<(string List, string Agent)> StatusesAsync(HttpClient http, string agent)
    {
        var list = await http.GetFromJsonAsync("/api/v1/agents", MonitoringJsonContext.Default.AgentList);
        var one = await http.GetFromJsonAsync($"/api/v1/agents/{agent}", MonitoringJsonContext.Default.AgentSummary);
        return (list!.Agents.Single(a => a.AgentId == agent).Status, one!.Status);
    }

    private async Task<AlertRule> AddRuleAsync(string agentId)
    {
        var change = await Grains.GetGrain<IAlertRuleSetGrain>(0).Add(AlertingClusterFixture.Rule(agentId));
        Assert.Equal(RuleChangeOutcome.Done, change.Outcome);
        var cache = ((InProcessSiloHandle)_cluster!.Primary!).SiloHost.Services.GetRequiredService<AlertRuleCache>();
        await Eventually.TrueAsync(async () => (await cache.GetAsync()).Version >= change.Version, "the silo has the new rule");
        return change.Rule!;
    }

    private async Task StartAsync()
    {
        var builder = new TestClusterBuilder(1);
        builder.Options.ConnectionTransport = ConnectionTransportType.TcpSocket;
        builder.Options.ServiceId = _serviceId;
        builder.ConfigureHostConfiguration(configuration => configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:monitoring"] = $"Data Source={DatabasePath}",
            ["Alerting:RuleRefreshInterval"] = "00:00:00.050",
            ["Alerting:MissedIntervalsBeforeDown"] = MissedIntervalsBeforeDown.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Alerting:Receivers:0:Name"] = "sink",
            ["Alerting:Receivers:0:Type"] = "webhook",
            ["Alerting:Receivers:0:Url"] = _sink.Url,
            ["Alerting:DeliveryAttempts"] = "3",
            ["Alerting:DeliveryBackoff"] = "00:01:00",
        }));
        builder.AddSiloBuilderConfigurator<FakeClockSilo>();
        builder.AddClientBuilderConfigurator<ClusterFixture.MonitoringClient>();
        _cluster = builder.Build();
        await _cluster.DeployAsync();
    }

    /// <summary>Stops every silo, gracefully or as hard as a silo in this process can stop (no grace for anything).</summary>
    private async Task StopAsync(bool hard)
    {
        if (_cluster is null)
        {
            return;
        }

        if (hard)
        {
            foreach (var silo in _cluster.Silos.ToList())
            {
                await _cluster.KillSiloAsync(silo);
            }
        }
        else
        {
            await _cluster.StopAllSilosAsync();
        }

        await _cluster.DisposeAsync();
        _cluster = null;
        SqliteConnection.ClearAllPools();
    }

    /// <summary>
    /// Waits until the outbox holds nothing about the alert: a report puts what it planned there before it returns, and a
    /// delivery leaves only once the sink took it, so from then on the sink holds every notification planned so far.
    /// </summary>
    private Task OutboxEmptyAsync(string alertId) =>
        Eventually.TrueAsync(() => Task.FromResult(Scalar("SELECT count(*) FROM notification_outbox WHERE notification_id LIKE @id || '%'", alertId) == 0), "the outbox is empty");

    private long Scalar(string sql, string id)
    {
        using var connection = new SqliteConnection($"Data Source={DatabasePath};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Parameters.AddWithValue("@id", id);
        return Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private sealed class FakeClockSilo : ISiloConfigurator
    {
        public void Configure(ISiloBuilder siloBuilder)
        {
            siloBuilder.AddMonitoring(siloBuilder.Configuration);
            // The grain clock only: Orleans' grain directory retries on the default clock, which must keep running.
            siloBuilder.Services.AddKeyedSingleton<TimeProvider>(TimeProviderNames.Grains, Clock);
        }
    }
}
