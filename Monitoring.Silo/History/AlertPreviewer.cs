using Microsoft.Extensions.Options;
using Monitoring.Abstractions;
using Monitoring.Contracts;
using Monitoring.Silo.Alerts;
using Monitoring.Silo.Liveness;
using Monitoring.Silo.Notifications;

namespace Monitoring.Silo.History;

/// <summary>
/// Replays a rule over stored history with the same state machine the agent grains run, on the samples' own timestamps:
/// <c>for</c> and <c>keep_firing_for</c> deadlines fall between samples, a gap longer than the down threshold is the agent
/// down. Notifications are counted as one receiver would have got them (silences and acknowledgements aside).
/// </summary>
public sealed class AlertPreviewer(HistoryReader history, IOptions<AlertingOptions> options, IOptions<NotificationOptions> notifying, IOptions<LivenessOptions> liveness)
{
    public const int MaxAgents = 200;
    public const int MaxSamplesPerAgent = 10_000;

    public async Task<AlertRulePreview> PreviewAsync(AlertRule rule, string? agentId, DateTimeOffset from, DateTimeOffset to)
    {
        var rules = CompiledRuleSet.From([rule]);
        var compiled = rules.Rules[0];
        // The fleet page by page, until one agent beyond the replayed ones says the preview is truncated.
        var fleet = new List<AgentSummary>();
        AgentList? page = null;
        do
        {
            page = await history.ListAgentsAsync(page?.Agents[^1].AgentId, AgentCursor.MaxLimit);
            fleet.AddRange(page.Agents.Where(a => agentId is null ? compiled.AppliesTo(a.AgentId, a.AgentName) : a.AgentId == agentId));
        }
        while (page.NextCursor is not null && fleet.Count <= MaxAgents);
        var truncated = fleet.Count > MaxAgents;
        var simulated = new AlertingOptions
        {
            FlapChanges = options.Value.FlapChanges,
            FlapWindow = options.Value.FlapWindow,
            ResolvedRetention = TimeSpan.MaxValue,
        };
        var receiver = new NotificationOptions
        {
            RepeatInterval = notifying.Value.RepeatInterval,
            Receivers = [new ReceiverOptions { Name = "preview", Type = ReceiverOptions.Webhook, Url = "http://preview.invalid" }],
        };
        var transitions = new List<AlertEvent>();
        var notifications = 0;
        var samples = 0;
        foreach (var agent in fleet.Take(MaxAgents))
        {
            var stored = await history.QueryAsync(new HistoryQuery(agent.AgentId, from, to, null, MaxSamplesPerAgent));
            if (stored?.Samples is not { Count: > 0 } rows)
            {
                continue;
            }

            truncated |= stored.Truncated;
            samples += rows.Count;
            var replay = new Replay(new AlertEvaluator(new AgentAlertState(), simulated), new NotificationPlanner(receiver), rules,
                agent.AgentId, agent.AgentName, AgentLiveness.DownAfter(agent.IntervalSeconds, liveness.Value.MissedIntervalsBeforeDown));
            replay.Run(rows);
            transitions.AddRange(replay.Events);
            notifications += replay.Notifications;
        }

        return new AlertRulePreview
        {
            Agents = Math.Min(fleet.Count, MaxAgents),
            Samples = samples,
            Transitions = [.. transitions.OrderBy(t => t.At)],
            Notifications = notifications,
            Truncated = truncated,
        };
    }

    private sealed class Replay(AlertEvaluator evaluator, NotificationPlanner planner, CompiledRuleSet rules, string agentId, string agentName, TimeSpan downAfter)
    {
        public List<AlertEvent> Events { get; } = [];

        public int Notifications { get; private set; }

        public void Run(IReadOnlyList<HistorySample> rows)
        {
            DateTimeOffset? previous = null;
            foreach (var row in rows)
            {
                var at = row.Timestamp;
                if (previous is { } last && at - last > downAfter)
                {
                    Advance(last + downAfter);
                    evaluator.OnDown(rules, agentId, agentName, downAfter, downAfter, last + downAfter);
                    Step(last + downAfter);
                }

                Advance(at);
                if (evaluator.State.DownSince is not null)
                {
                    evaluator.OnUp(agentId, at);
                }

                evaluator.OnSample(rules, agentId, agentName, Values(row), at);
                Step(at);
                previous = at;
            }
        }

        /// <summary>Fires the deadlines (<c>for</c>, <c>keep_firing_for</c>, reminders) that fall before <paramref name="until"/>.</summary>
        private void Advance(DateTimeOffset until)
        {
            var reached = DateTimeOffset.MinValue;
            while (Earliest(evaluator.NextDeadline(rules), planner.NextDeadline(evaluator.State, rules, agentId, reached)) is { } due
                && due <= until && due > reached)
            {
                reached = due;
                evaluator.OnTick(rules, agentId, due);
                Step(due);
            }
        }

        private void Step(DateTimeOffset now)
        {
            Notifications += planner.Plan(evaluator.State, rules, agentId, now, out _).Count;
            Events.AddRange(evaluator.TakeEvents());
        }

        private static DateTimeOffset? Earliest(DateTimeOffset? a, DateTimeOffset? b) => a is null ? b : b is null ? a : a < b ? a : b;

        private static Dictionary<string, double> Values(HistorySample row)
        {
            var values = new Dictionary<string, double>(row.Series ?? new Dictionary<string, double>(), StringComparer.Ordinal)
            {
                [MetricSeries.CpuPercent] = row.CpuPercent,
                [MetricSeries.MemoryPercent] = row.MemoryPercent,
                [MetricSeries.DiskPercent] = row.DiskPercent,
            };
            foreach (var (series, value) in MetricSeries.Checks(new MetricsReport { Network = row.Network }))
            {
                values.TryAdd(series, value);
            }

            return values;
        }
    }
}
