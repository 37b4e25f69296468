using Microsoft.Extensions.Options;
using Monitoring.Abstractions;
using Monitoring.Contracts;
using Monitoring.Silo.Alerts;
using Monitoring.Silo.Liveness;
using Monitoring.Silo.Notifications;
using Monitoring.Silo.Storage;

namespace Monitoring.Silo.Ingest;

/// <summary>
/// One monitored agent. Holds its newest sample in memory and appends every sample to history through the silo's
/// batching writer; its registration is persisted only when it changes, and its fleet-registry row refreshed at most
/// every <see cref="RegistryRefresh"/>. It evaluates the alert rules on every sample and, by one grain timer, the
/// <c>for</c> and <c>keep_firing_for</c> deadlines and its liveness; alert state is persisted on every transition.
/// </summary>
/// <remarks>
/// The timer keeps the grain active while the agent is up (a timer cannot run in a deactivated grain, so a silent agent
/// would otherwise never be noticed); once the agent is down and nothing else is due it stops, and the grain may go.
/// </remarks>
public sealed class AgentGrain(
    [PersistentState("agent", StorageNames.Monitoring)] IPersistentState<AgentRegistration> registration,
    [PersistentState("alerts", StorageNames.Monitoring)] IPersistentState<AgentAlertState> alerts,
    HistoryWriter writer,
    IHistoryStore store,
    AlertRuleCache rules,
    AlertHistoryWriter alertHistory,
    NotificationDispatcher notifications,
    IOptions<AlertingOptions> alerting,
    IOptions<NotificationOptions> notifying,
    IOptions<LivenessOptions> liveness,
    [FromKeyedServices(TimeProviderNames.Grains)] TimeProvider time) : Grain, IAgentGrain
{
    private static readonly TimeSpan RegistryRefresh = TimeSpan.FromSeconds(5);

    /// <summary>Longest wait between timer ticks: each tick keeps the grain from being collected as idle.</summary>
    private static readonly TimeSpan MaxTimerWait = TimeSpan.FromMinutes(1);

    private AlertEvaluator? _evaluator;
    private NotificationPlanner? _planner;
    private IGrainTimer? _timer;
    private DateTimeOffset _activatedAt;

    private LatestMetrics? _latest;
    private double _intervalSeconds = AgentLiveness.DefaultIntervalSeconds;
    private DateTimeOffset _lastSeen;
    private DateTimeOffset _registryPublishedAt = DateTimeOffset.MinValue;

    private string? _agentId;

    private string AgentId => _agentId ??= AgentGrainKeys.ToAgentId(this.GetPrimaryKeyString());

    private AlertEvaluator Evaluator => _evaluator ??= new AlertEvaluator(alerts.State, alerting.Value);

    private NotificationPlanner Planner => _planner ??= new NotificationPlanner(notifying.Value);

    private string AgentName => registration.RecordExists ? registration.State.AgentName : _latest?.AgentName ?? AgentId;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _activatedAt = time.GetUtcNow();
        var stored = await store.ReadAgentAsync(AgentId, cancellationToken);
        if (stored is null)
        {
            return;
        }

        Schedule();

        _intervalSeconds = stored.IntervalSeconds;
        _lastSeen = Max(stored.LastSeen, registration.State.LastSeen);
        if (stored.Latest is { } sample)
        {
            _latest = new LatestMetrics
            {
                AgentId = AgentId,
                AgentName = registration.RecordExists ? registration.State.AgentName : stored.AgentName,
                Timestamp = sample.Timestamp,
                CpuPercent = sample.CpuPercent,
                MemoryPercent = sample.MemoryPercent,
                DiskPercent = sample.DiskPercent,
                System = new SystemMetrics { CpuPercent = sample.CpuPercent, Memory = sample.Memory, Disk = sample.Disk },
                Network = sample.Network,
            };
        }
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        if (registration.RecordExists && registration.State.LastSeen != _lastSeen)
        {
            registration.State.LastSeen = _lastSeen;
            await registration.WriteStateAsync(cancellationToken);
        }
    }

    public async Task Report(MetricsReport sample)
    {
        using var activity = MonitoringTelemetry.Source.StartActivity("agent.report");
        await AcceptAsync([sample]);
    }

    public async Task ReportBatch(IReadOnlyList<MetricsReport> samples)
    {
        using var activity = MonitoringTelemetry.Source.StartActivity("agent.report_batch");
        activity?.SetTag("monitoring.batch.size", samples.Count);
        await AcceptAsync(samples);
    }

    public Task<LatestMetrics?> GetLatest() => Task.FromResult(_latest);

    public Task<AgentSummary?> GetSummary()
    {
        if (!registration.RecordExists)
        {
            return Task.FromResult<AgentSummary?>(null);
        }

        var state = registration.State;
        return Task.FromResult<AgentSummary?>(new AgentSummary
        {
            AgentId = AgentId,
            AgentName = state.AgentName,
            Status = alerts.State.DownSince is null
                ? AgentLiveness.Status(time.GetUtcNow(), LivenessBaseline, _intervalSeconds, liveness.Value.MissedIntervalsBeforeDown)
                : "down",
            FirstSeen = state.FirstSeen,
            LastSeen = _lastSeen,
            IntervalSeconds = _intervalSeconds,
            LastSampleAt = _latest?.Timestamp,
            CpuPercent = _latest?.CpuPercent,
            MemoryPercent = _latest?.MemoryPercent,
            DiskPercent = _latest?.DiskPercent,
        });
    }

    public async Task<AlertList> GetAlerts()
    {
        var ruleSet = await rules.GetAsync();
        var now = time.GetUtcNow();
        return new AlertList([.. alerts.State.Alerts.Values
            .Where(a => a.State != AlertState.Inactive)
            .OrderBy(a => a.StartedAt)
            .Select(a => a.ToView(AgentId, ruleSet.IsSilenced(a, AgentId, now)))]);
    }

    public async Task<AlertView?> Acknowledge(string alertId, Acknowledgement acknowledgement)
    {
        var alert = alerts.State.Alerts.Values.FirstOrDefault(a => a.Id == alertId);
        if (alert is null || alert.State is AlertState.Inactive or AlertState.Resolved)
        {
            return null;
        }

        alert.Acknowledged = acknowledgement with { At = time.GetUtcNow() };
        alert.AcknowledgedSeverity = alert.Severity;
        await alerts.WriteStateAsync();
        var ruleSet = await rules.GetAsync();
        Schedule(ruleSet);
        return alert.ToView(AgentId, ruleSet.IsSilenced(alert, AgentId, time.GetUtcNow()));
    }

    public Task Watch() => Task.CompletedTask;

    /// <summary>Liveness counts from the newest sample, or from activation when that is later: one grace period after a restart.</summary>
    private DateTimeOffset LivenessBaseline => Max(_lastSeen, _activatedAt);

    private TimeSpan DownAfter => AgentLiveness.DownAfter(_intervalSeconds, liveness.Value.MissedIntervalsBeforeDown);

    /// <summary>Evaluates every rule against the agent's newest sample, then persists and records what changed.</summary>
    private async Task EvaluateSampleAsync(MetricsReport sample, IReadOnlyList<KeyValuePair<string, double>> detail, DateTimeOffset now)
    {
        var ruleSet = await rules.GetAsync();
        var evaluator = Evaluator;
        if (alerts.State.DownSince is not null)
        {
            evaluator.OnUp(AgentId, now);
        }

        var values = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var (series, value) in MetricSeries.Headlines(sample).Concat(detail).Concat(MetricSeries.Checks(sample)))
        {
            values[series] = value;
        }

        evaluator.OnSample(ruleSet, AgentId, AgentName, values, now);
        await CommitAlertsAsync(ruleSet, now);
        Schedule(ruleSet);
    }

    private async Task OnTimerAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var ruleSet = await rules.GetAsync();
        var evaluator = Evaluator;
        evaluator.OnTick(ruleSet, AgentId, now);
        if (alerts.State.DownSince is null && registration.RecordExists && now - LivenessBaseline > DownAfter)
        {
            evaluator.OnDown(ruleSet, AgentId, AgentName, now - _lastSeen, DownAfter, now);
        }

        await CommitAlertsAsync(ruleSet, now);
        Schedule(ruleSet);
    }

    /// <summary>
    /// Writes the notifications due to the outbox, then persists the alert state (with what was notified) when something
    /// changed, then appends the transitions to the alert history: a crash in between plans the same notification ids
    /// again (at least once, never lost), and delivery does not wait for the history commit.
    /// </summary>
    private async Task CommitAlertsAsync(CompiledRuleSet ruleSet, DateTimeOffset now)
    {
        var evaluator = Evaluator;
        var due = Planner.Plan(alerts.State, ruleSet, AgentId, now, out var notifiedChanged);
        if (due.Count > 0)
        {
            try
            {
                await notifications.QueueAsync(due);
            }
            catch
            {
                // Memory now says notified: reactivate from the persisted state, so the notifications are planned again.
                DeactivateOnIdle();
                throw;
            }
        }

        if (!evaluator.HasEvents && !notifiedChanged)
        {
            return;
        }

        var events = evaluator.TakeEvents();
        foreach (var transition in events)
        {
            AlertingTelemetry.Transitions.Add(1, new KeyValuePair<string, object?>("to", transition.To));
        }

        await alerts.WriteStateAsync();
        await alertHistory.AppendAsync(events);
    }

    /// <summary>Points the one timer at the next deadline: a pending alert's <c>for</c>, a kept alert's end, or liveness.</summary>
    private void Schedule(CompiledRuleSet? ruleSet = null)
    {
        var now = time.GetUtcNow();
        DateTimeOffset? due = ruleSet is null ? null : Evaluator.NextDeadline(ruleSet);
        if (ruleSet is not null && Planner.NextDeadline(alerts.State, ruleSet, AgentId, now) is { } notify && (due is null || notify < due))
        {
            due = notify;
        }

        if (alerts.State.DownSince is null && registration.RecordExists)
        {
            var down = LivenessBaseline + DownAfter + TimeSpan.FromMilliseconds(1);
            due = due is { } d && d < down ? d : down;
        }
        else if (ruleSet is null && alerts.State.Alerts.Values.Any(a => a.State == AlertState.Pending || a.ClearedSince is not null))
        {
            due = now;
        }

        if (due is not { } next)
        {
            _timer?.Dispose();
            _timer = null;
            return;
        }

        var wait = next - now;
        wait = wait < TimeSpan.Zero ? TimeSpan.Zero : wait > MaxTimerWait ? MaxTimerWait : wait;
        if (_timer is null)
        {
            _timer = this.RegisterGrainTimer(OnTimerAsync, new GrainTimerCreationOptions(wait, Timeout.InfiniteTimeSpan) { KeepAlive = true });
        }
        else
        {
            _timer.Change(wait, Timeout.InfiniteTimeSpan);
        }
    }

    /// <summary>
    /// Appends the samples to history and, only once they are durable, moves the grain's memory and registration on:
    /// a failed append leaves the grain as it was, so the client's retry is handled like the first attempt.
    /// </summary>
    private async Task AcceptAsync(IReadOnlyList<MetricsReport> samples)
    {
        var now = time.GetUtcNow();
        var newest = samples.Count == 1 ? samples[0] : samples.MaxBy(s => s.Timestamp)!;
        var name = string.IsNullOrWhiteSpace(newest.AgentName) ? AgentId : newest.AgentName;
        var state = registration.State;
        var firstSight = string.IsNullOrEmpty(state.AgentId);
        var registrationChanged = firstSight || state.AgentName != name;
        var registry = registrationChanged || now - _registryPublishedAt >= RegistryRefresh ? Registry(newest, name, now) : null;
        IReadOnlyList<KeyValuePair<string, double>> newestDetail;

        using (MonitoringTelemetry.Source.StartActivity("history.append"))
        {
            // Ends when the batch carrying these samples has committed; the batch's own span links back to it.
            var records = samples.Select(s => new HistoryRecord(AgentId, now, s, MetricSeries.Detail(s), ReferenceEquals(s, newest) ? registry : null)).ToList();
            newestDetail = records.First(r => ReferenceEquals(r.Sample, newest)).Detail;
            await (records.Count == 1 ? writer.AppendAsync(records[0]) : Task.WhenAll(records.Select(writer.AppendAsync)));
        }

        _lastSeen = now;
        if (registry is not null)
        {
            _registryPublishedAt = now;
        }

        var isNewest = _latest is null || newest.Timestamp >= _latest.Timestamp;
        if (isNewest)
        {
            _latest = Headline(newest, name);
            _intervalSeconds = newest.IntervalSeconds ?? AgentLiveness.DefaultIntervalSeconds;
        }

        if (registrationChanged)
        {
            if (firstSight)
            {
                state.AgentId = AgentId;
                state.FirstSeen = now;
            }

            state.AgentName = name;
            state.LastSeen = now;
            await registration.WriteStateAsync();
        }

        if (isNewest)
        {
            // Only the newest sample says what is true now; a backfilled older one must not move alerts back in time.
            await EvaluateSampleAsync(newest, newestDetail, now);
        }
        else if (alerts.State.DownSince is not null)
        {
            var ruleSet = await rules.GetAsync();
            Evaluator.OnUp(AgentId, now);
            await CommitAlertsAsync(ruleSet, now);
            Schedule(ruleSet);
        }
    }

    /// <summary>The fleet-list row for the agent: the newest sample it has, whether this one or one already held.</summary>
    private RegistryEntry Registry(MetricsReport sample, string name, DateTimeOffset now)
    {
        var newest = _latest is null || sample.Timestamp >= _latest.Timestamp ? Headline(sample, name) : _latest;
        return new RegistryEntry(name, now, sample.IntervalSeconds ?? _intervalSeconds,
            newest.Timestamp, newest.CpuPercent, newest.MemoryPercent, newest.DiskPercent);
    }

    private LatestMetrics Headline(MetricsReport sample, string name) => new()
    {
        AgentId = AgentId,
        AgentName = name,
        Timestamp = sample.Timestamp!.Value,
        CpuPercent = sample.System!.CpuPercent!.Value,
        MemoryPercent = sample.System.Memory!.Percent!.Value,
        DiskPercent = sample.System.Disk!.Percent!.Value,
        System = sample.System,
        Network = sample.Network ?? [],
        Agent = sample.Agent,
    };

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;
}
