using Monitoring.Abstractions;
using Monitoring.Contracts;
using Monitoring.Silo.Alerts;
using Monitoring.Silo.Liveness;
using Monitoring.Silo.Notifications;
using Monitoring.Silo.Storage;

namespace Monitoring.Silo.Ingest;

/// <summary>
/// One monitored agent. It orchestrates: <see cref="AgentIngest"/> keeps the registration and the newest sample and says
/// what to append to history through the silo's batching writer (the registration is the agent's <c>agents</c> row,
/// written with its samples), <see cref="AgentAlerting"/> evaluates the alert rules on every sample and, by one grain
/// timer, the <c>for</c> and <c>keep_firing_for</c> deadlines, reminders and liveness. Alert state is persisted on every
/// transition.
/// </summary>
/// <remarks>
/// The timer keeps the grain active while the agent is up (a timer cannot run in a deactivated grain, so a silent agent
/// would otherwise never be noticed); once the agent is down and nothing else is due it stops, and the grain may go.
/// </remarks>
public sealed class AgentGrain(
    [PersistentState("agent", StorageNames.Monitoring)] IPersistentState<AgentRegistration> previousRegistration,
    [PersistentState("alerts", StorageNames.Monitoring)] IPersistentState<AgentAlertState> alerts,
    HistoryWriter writer,
    IHistoryStore store,
    AlertRuleCache rules,
    AlertHistoryWriter alertHistory,
    NotificationDispatcher notifications,
    AgentSettings settings,
    [FromKeyedServices(TimeProviderNames.Grains)] TimeProvider time) : Grain, IAgentGrain
{
    /// <summary>Longest wait between timer ticks: each tick keeps the grain from being collected as idle.</summary>
    private static readonly TimeSpan MaxTimerWait = TimeSpan.FromMinutes(1);

    private AgentIngest? _ingest;
    private AgentAlerting? _alerting;
    private IGrainTimer? _timer;
    private string? _agentId;

    private string AgentId => _agentId ??= AgentGrainKeys.ToAgentId(this.GetPrimaryKeyString());

    private AgentIngest Ingest => _ingest ??= new AgentIngest(AgentId);

    private AgentAlerting Alerting => _alerting ??= settings.Alerting(alerts.State);

    private string AgentName => Ingest.AgentName ?? Ingest.Latest?.AgentName ?? AgentId;

    /// <summary>The agent's liveness once it is registered; null before its first sample.</summary>
    private LivenessClock? Liveness => Ingest.IsRegistered
        ? new LivenessClock(Ingest.LastSeen, Ingest.WatchedSince, Ingest.IntervalSeconds, settings.MissedIntervalsBeforeDown)
        : null;

    /// <summary>
    /// Reads the agent's row and starts watching it: the row records when (an agent already down gets no new grace
    /// period), so the fleet list computes the same status as this grain. A registration the previous release kept in
    /// grain state is carried into the row once and cleared.
    /// </summary>
    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var now = UnixMicroseconds.Truncate(time.GetUtcNow());
        var stored = await store.ReadAgentAsync(AgentId, cancellationToken);
        if (stored is null)
        {
            return;
        }

        var previous = previousRegistration.RecordExists ? previousRegistration.State : null;
        var previousLastSeen = previous is null ? (DateTimeOffset?)null : UnixMicroseconds.Truncate(previous.LastSeen);
        var update = new AgentUpdate(previous?.AgentName, previousLastSeen, Alerting.IsDown ? null : now);
        if (update != new AgentUpdate())
        {
            await store.UpdateAgentAsync(AgentId, update, cancellationToken);
        }

        if (previous is not null)
        {
            await previousRegistration.ClearStateAsync(cancellationToken);
        }

        Ingest.Restore(stored with
        {
            AgentName = update.AgentName ?? stored.AgentName,
            LastSeen = update.LastSeen > stored.LastSeen ? update.LastSeen.Value : stored.LastSeen,
            WatchedSince = update.WatchedSince ?? stored.WatchedSince,
        });
        Schedule();
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        if (Ingest.IsRegistered && Ingest.LastSeen > Ingest.PublishedLastSeen)
        {
            await store.UpdateAgentAsync(AgentId, new AgentUpdate(LastSeen: Ingest.LastSeen), cancellationToken);
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

    public Task<LatestMetrics?> GetLatest() => Task.FromResult(Ingest.Latest);

    public Task<AgentSummary?> GetSummary()
    {
        if (Liveness is not { } liveness)
        {
            return Task.FromResult<AgentSummary?>(null);
        }

        var latest = Ingest.Latest;
        return Task.FromResult<AgentSummary?>(new AgentSummary
        {
            AgentId = AgentId,
            AgentName = Ingest.AgentName!,
            Status = liveness.Status(time.GetUtcNow()),
            FirstSeen = Ingest.FirstSeen,
            LastSeen = liveness.LastSeen,
            IntervalSeconds = liveness.IntervalSeconds,
            LastSampleAt = latest?.Timestamp,
            CpuPercent = latest?.CpuPercent,
            MemoryPercent = latest?.MemoryPercent,
            DiskPercent = latest?.DiskPercent,
        });
    }

    public async Task<AlertList> GetAlerts() => Alerting.List(await rules.GetAsync(), AgentId, time.GetUtcNow());

    public async Task<AlertView?> Acknowledge(string alertId, Acknowledgement acknowledgement)
    {
        if (Alerting.Acknowledge(alertId, acknowledgement, time.GetUtcNow()) is not { } alert)
        {
            return null;
        }

        await alerts.WriteStateAsync();
        var ruleSet = await rules.GetAsync();
        Schedule(ruleSet);
        return alert.ToView(AgentId, ruleSet.IsSilenced(alert, AgentId, time.GetUtcNow()));
    }

    public Task Watch() => Task.CompletedTask;

    /// <summary>
    /// Clears the alert state first: should the store's delete fail, the agent stays with its history and evaluates its
    /// alerts afresh. Memory is then dropped as a whole, so the next sample meets a grain that never saw the agent.
    /// </summary>
    public async Task<bool> Delete()
    {
        if (alerts.RecordExists)
        {
            await alerts.ClearStateAsync();
        }

        if (previousRegistration.RecordExists)
        {
            await previousRegistration.ClearStateAsync();
        }

        var deleted = await store.DeleteAgentAsync(AgentId);
        _timer?.Dispose();
        _timer = null;
        _ingest = null;
        _alerting = null;
        return deleted;
    }

    /// <summary>
    /// Appends the samples to history (with the registry row when due) and, only once they are durable, moves the grain's
    /// memory on: a failed append leaves the grain as it was, so the client's retry is handled like the first attempt.
    /// </summary>
    private async Task AcceptAsync(IReadOnlyList<MetricsReport> samples)
    {
        // Only a new agent counts against the quota; one already registered keeps reporting however full the cluster is.
        if (!Ingest.IsRegistered && await store.CountAgentsAsync() >= settings.MaxAgents)
        {
            throw new AgentQuotaExceededException(AgentId, settings.MaxAgents);
        }

        var now = UnixMicroseconds.Truncate(time.GetUtcNow());
        IngestBatch batch;
        using (MonitoringTelemetry.Source.StartActivity("history.append"))
        {
            // Ends when the batch carrying these samples has committed; the batch's own span links back to it.
            batch = Ingest.Prepare(samples, now);
            await (batch.Records.Count == 1 ? writer.AppendAsync(batch.Records[0]) : Task.WhenAll(batch.Records.Select(writer.AppendAsync)));
        }

        var isNewest = Ingest.Apply(batch, now);
        if (!isNewest && !Alerting.IsDown)
        {
            return;
        }

        var ruleSet = await rules.GetAsync();
        if (isNewest)
        {
            // Only the newest sample says what is true now; a backfilled older one must not move alerts back in time.
            Alerting.OnSample(ruleSet, AgentId, AgentName, batch.Newest.Sample, batch.Newest.Detail, now);
        }
        else
        {
            Alerting.OnSeen(AgentId, now);
        }

        await CommitAlertsAsync(ruleSet, now);
    }

    private async Task OnTimerAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var ruleSet = await rules.GetAsync();
        Alerting.OnTick(ruleSet, AgentId, AgentName, Liveness, now);
        await CommitAlertsAsync(ruleSet, now);
    }

    /// <summary>
    /// Writes the notifications due to the outbox, then persists the alert state (with what was notified) when something
    /// changed, then appends the transitions to the alert history, and points the timer at the next deadline.
    /// </summary>
    private async Task CommitAlertsAsync(CompiledRuleSet ruleSet, DateTimeOffset now)
    {
        var changes = Alerting.Take(ruleSet, AgentId, now);
        if (changes.Due.Count > 0)
        {
            try
            {
                await notifications.QueueAsync(changes.Due);
            }
            catch
            {
                // Memory now says notified: reactivate from the persisted state, so the notifications are planned again.
                DeactivateOnIdle();
                throw;
            }
        }

        if (changes.Persist)
        {
            foreach (var transition in changes.Events)
            {
                AlertingTelemetry.Transitions.Add(1, new KeyValuePair<string, object?>("to", transition.To));
            }

            await alerts.WriteStateAsync();
            await alertHistory.AppendAsync(changes.Events);
        }

        Schedule(ruleSet);
    }

    /// <summary>Points the one timer at the next deadline, or stops it when nothing is due.</summary>
    private void Schedule(CompiledRuleSet? ruleSet = null)
    {
        var now = time.GetUtcNow();
        if (Alerting.NextDeadline(ruleSet, AgentId, Liveness, now) is not { } next)
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
}
