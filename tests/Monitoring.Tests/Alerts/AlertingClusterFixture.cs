using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;
using Monitoring.Abstractions;
using Monitoring.Abstractions.Alerting;
using Monitoring.Contracts;
using Monitoring.Silo;
using Monitoring.Silo.Alerts;
using Monitoring.Silo.Liveness;
using Monitoring.Tests.Cluster;
using Orleans.TestingHost;

namespace Monitoring.Tests.Alerts;

/// <summary>
/// A two-silo cluster on a real SQLite file whose grain clock is a <see cref="FakeTimeProvider"/> shared by both silos:
/// tests move time to drive <c>for</c>, <c>keep_firing_for</c> and liveness through the grains' real timers, while
/// Orleans' own maintenance stays on real time. Its rules are seeded from a YAML rules file given in configuration.
/// </summary>
public sealed class AlertingClusterFixture : IAsyncLifetime
{
    /// <summary>Static because silo configurators are created by type; only this fixture's silos use it.</summary>
    public static FakeTimeProvider Clock { get; } = new(DateTimeOffset.FromUnixTimeMilliseconds(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()));

    public const string SeededRuleId = "seeded_swap_full";

    private readonly string _folder = Directory.CreateTempSubdirectory("monitoring-alerting-tests-").FullName;

    public TestCluster Cluster { get; private set; } = null!;

    public IGrainFactory Grains => Cluster.GrainFactory;

    public ApiFactory Api { get; private set; } = null!;

    public string DatabasePath => Path.Combine(_folder, "monitoring.db");

    public WebhookSink Sink { get; private set; } = null!;

    /// <summary>Slack, Teams and PagerDuty receivers' endpoints.</summary>
    public JsonSink Services { get; private set; } = null!;

    /// <summary>The <c>mail</c> receiver's server, which requires <see cref="SmtpUser"/>.</summary>
    public SmtpSink Smtp { get; private set; } = null!;

    public const string SmtpUser = "monitoring";

    public const string PagerDutyKey = "R0UT1NGKEY0000000000000000000000";

    /// <summary>How often a firing, unacknowledged alert is notified again here.</summary>
    public static readonly TimeSpan RepeatInterval = TimeSpan.FromMinutes(2);

    public async ValueTask InitializeAsync()
    {
        var rulesFile = Path.Combine(_folder, "rules.yaml");
        await File.WriteAllTextAsync(rulesFile, $"""
            rules:
              - id: {SeededRuleId}
                name: Swap full
                metric: swap.percent
                comparator: ">"
                threshold: 99
                scope:
                  agent_ids: [nobody]
            """);
        Sink = await WebhookSink.StartAsync();
        Services = await JsonSink.StartAsync();
        Smtp = SmtpSink.Start(SmtpUser, "s3cret");
        var builder = new TestClusterBuilder(2);
        builder.Options.ConnectionTransport = ConnectionTransportType.TcpSocket;
        builder.ConfigureHostConfiguration(configuration => configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:monitoring"] = $"Data Source={DatabasePath}",
            ["Alerting:RulesFile"] = rulesFile,
            ["Alerting:RuleRefreshInterval"] = "00:00:00.050",
            ["Alerting:Receivers:0:Name"] = "sink",
            ["Alerting:Receivers:0:Type"] = "webhook",
            ["Alerting:Receivers:0:Url"] = Sink.Url,
            ["Alerting:Receivers:1:Name"] = "slack",
            ["Alerting:Receivers:1:Type"] = "slack",
            ["Alerting:Receivers:1:Url"] = Services.Url + "/slack",
            ["Alerting:Receivers:2:Name"] = "teams",
            ["Alerting:Receivers:2:Type"] = "teams",
            ["Alerting:Receivers:2:Url"] = Services.Url + "/teams",
            ["Alerting:Receivers:3:Name"] = "pagerduty",
            ["Alerting:Receivers:3:Type"] = "pagerduty",
            ["Alerting:Receivers:3:Url"] = Services.Url + "/pagerduty",
            ["Alerting:Receivers:3:RoutingKey"] = PagerDutyKey,
            ["Alerting:Receivers:4:Name"] = "mail",
            ["Alerting:Receivers:4:Type"] = "email",
            ["Alerting:Receivers:4:Smtp:Host"] = "127.0.0.1",
            ["Alerting:Receivers:4:Smtp:Port"] = Smtp.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Alerting:Receivers:4:Smtp:From"] = "Monitoring <monitoring@example.test>",
            ["Alerting:Receivers:4:Smtp:To:0"] = "ops@example.test",
            ["Alerting:Receivers:4:Smtp:To:1"] = "oncall@example.test",
            ["Alerting:Receivers:4:Smtp:Username"] = SmtpUser,
            ["Alerting:Receivers:4:Smtp:Password"] = "s3cret",
            ["Alerting:Receivers:4:Smtp:StartTls"] = "None",
            ["Alerting:RepeatInterval"] = RepeatInterval.ToString(),
            ["Alerting:DeliveryAttempts"] = "3",
            ["Alerting:DeliveryBackoff"] = "00:00:00.020",
            ["Alerting:PublicUrl"] = "http://monitoring.example",
        }));
        builder.AddSiloBuilderConfigurator<FakeClockSilo>();
        builder.AddClientBuilderConfigurator<ClusterFixture.MonitoringClient>();
        Cluster = builder.Build();
        await Cluster.DeployAsync();
        Api = new ApiFactory(Cluster);
        Api.StartServer();
    }

    public async ValueTask DisposeAsync()
    {
        await Api.DisposeAsync();
        await Cluster.StopAllSilosAsync();
        await Cluster.DisposeAsync();
        await Sink.DisposeAsync();
        await Services.DisposeAsync();
        await Smtp.DisposeAsync();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    /// <summary>Adds a rule and waits until every silo evaluates with it.</summary>
    public async Task<AlertRule> AddRuleAsync(AlertRule rule)
    {
        var change = await Grains.GetGrain<IAlertRuleSetGrain>(0).Add(rule);
        Assert.Equal(RuleChangeOutcome.Done, change.Outcome);
        foreach (var silo in Cluster.Silos.Cast<InProcessSiloHandle>())
        {
            var cache = silo.SiloHost.Services.GetRequiredService<AlertRuleCache>();
            await Eventually.TrueAsync(async () => (await cache.GetAsync()).Version >= change.Version, "the silos have the new rule");
        }

        return change.Rule!;
    }

    /// <summary>Adds a silence and waits until every silo knows it.</summary>
    public async Task<Silence> AddSilenceAsync(Silence silence)
    {
        var ruleSet = Grains.GetGrain<IAlertRuleSetGrain>(0);
        var added = await ruleSet.AddSilence(silence) ?? throw new InvalidOperationException("The silence quota is full.");
        var version = (await ruleSet.GetRules()).Version;
        foreach (var silo in Cluster.Silos.Cast<InProcessSiloHandle>())
        {
            var cache = silo.SiloHost.Services.GetRequiredService<AlertRuleCache>();
            await Eventually.TrueAsync(async () => (await cache.GetAsync()).Version >= version, "the silos have the new silence");
        }

        return added;
    }

    /// <summary>A rule that watches only <paramref name="agentId"/>, so tests never see each other's alerts.</summary>
    public static AlertRule Rule(string agentId, string metric = "cpu_percent", double threshold = 90, string forDuration = "0s") => new()
    {
        Id = $"r-{Guid.NewGuid():N}",
        Name = $"{metric} high",
        Metric = metric,
        Comparator = ">",
        Threshold = threshold,
        For = forDuration,
        Summary = "{agent_name} at {value}",
        Scope = new AlertScope { AgentIds = [agentId] },
    };

    /// <summary>Reports a sample stamped with the fake clock's now, then moves the clock on by <paramref name="then"/>.</summary>
    public async Task ReportAsync(string agentId, double cpu, TimeSpan? then = null)
    {
        await Grains.GetAgentGrain(agentId).Report(Samples.Sample(agentId, Clock.GetUtcNow(), cpu));
        Clock.Advance(then ?? TimeSpan.FromSeconds(10));
    }

    public async Task<AlertView?> AlertAsync(string agentId, string ruleId) =>
        (await Grains.GetAgentGrain(agentId).GetAlerts()).Alerts.SingleOrDefault(a => a.RuleId == ruleId);

    public async Task<string?> StateAsync(string agentId, string ruleId) => (await AlertAsync(agentId, ruleId))?.State;

    /// <summary>Waits until the grain's timer has moved the alert to <paramref name="state"/>.</summary>
    public Task StateBecomesAsync(string agentId, string ruleId, string? state) =>
        Eventually.TrueAsync(async () => await StateAsync(agentId, ruleId) == state, $"the alert is {state ?? "gone"}");

    /// <summary>The transitions of one alert in the <c>alert_history</c> table, oldest first, as "from>to".</summary>
    public IReadOnlyList<string> Transitions(string alertId)
    {
        using var connection = new SqliteConnection($"Data Source={DatabasePath};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT from_state || '>' || to_state FROM alert_history WHERE alert_id = @id ORDER BY seq";
        command.Parameters.AddWithValue("@id", alertId);
        using var rows = command.ExecuteReader();
        var transitions = new List<string>();
        while (rows.Read())
        {
            transitions.Add(rows.GetString(0));
        }

        return transitions;
    }

    /// <summary>
    /// Waits until the outbox holds no delivery about <paramref name="agentId"/>'s alerts. A grain call returns only once
    /// the notifications it planned are in the outbox, and a delivery leaves it only after the receiver took it, so from
    /// then on the sink holds every notification planned about them so far.
    /// </summary>
    public Task NotificationsSettledAsync(string agentId) =>
        Eventually.TrueAsync(() => Task.FromResult(OutboxDeliveries(agentId) == 0), $"the outbox holds nothing about {agentId}");

    /// <summary>Deactivates every agent grain and waits until none is left, as after a silo restart.</summary>
    public async Task DeactivateAllAsync()
    {
        var management = Grains.GetGrain<IManagementGrain>(0);
        await Eventually.TrueAsync(async () =>
        {
            // Again on every try: a grain busy with a call or a timer tick is skipped by one collection.
            await management.ForceActivationCollection(TimeSpan.Zero);
            var statistics = await management.GetSimpleGrainStatistics();
            return !statistics.Any(s => s.GrainType.Contains(nameof(Silo.Ingest.AgentGrain), StringComparison.Ordinal) && s.ActivationCount > 0);
        }, "every agent grain is deactivated");
    }

    /// <summary>Deliveries in the outbox, pending or given up, of notifications about <paramref name="agentId"/>'s alerts.</summary>
    private long OutboxDeliveries(string agentId)
    {
        using var connection = new SqliteConnection($"Data Source={DatabasePath};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM notification_outbox WHERE substr(notification_id, 1, length(@prefix)) = @prefix";
        command.Parameters.AddWithValue("@prefix", agentId + "~");
        return (long)command.ExecuteScalar()!;
    }

    private sealed class FakeClockSilo : ISiloConfigurator
    {
        public void Configure(ISiloBuilder siloBuilder)
        {
            siloBuilder.AddMonitoring(siloBuilder.Configuration);
            // The grain clock only: Orleans' grain directory retries on the default clock, which must keep running.
            siloBuilder.Services.AddKeyedSingleton<TimeProvider>(TimeProviderNames.Grains, Clock);
            // The start-up sweep's log says when it has activated every known agent.
            siloBuilder.Services.AddFakeLogging(options => options.FilteredCategories.Add(typeof(LivenessSweeper).FullName!));
        }
    }
}

[CollectionDefinition(Name)]
public sealed class AlertingCollection : ICollectionFixture<AlertingClusterFixture>
{
    public const string Name = "alerting";
}
