using System.Text.RegularExpressions;
using Monitoring.Abstractions.Alerting;
using Monitoring.Contracts;

namespace Monitoring.Silo.Alerts;

/// <summary>A validated rule made ready for evaluation on every sample: parsed durations, comparator and matchers.</summary>
public sealed class CompiledRule
{
    private readonly Regex? _metricPattern;
    private readonly HashSet<string>? _agentIds;
    private readonly Regex? _agentPattern;
    private readonly string _metric;

    public CompiledRule(AlertRule rule)
    {
        Rule = rule;
        Id = rule.Id!;
        IsLiveness = rule.Metric == AlertRuleValidator.AgentDownMetric;
        Comparator = rule.Comparator ?? ">";
        Threshold = rule.Threshold ?? 0;
        Recovery = rule.RecoveryThreshold;
        AlertRuleValidator.TryParseDuration(rule.For, out var forDuration);
        AlertRuleValidator.TryParseDuration(rule.KeepFiringFor, out var keepFiring);
        For = forDuration;
        KeepFiringFor = keepFiring;
        if (!string.IsNullOrEmpty(rule.Forecast))
        {
            AlertRuleValidator.TryParseDuration(rule.Forecast, out var forecast);
            AlertRuleValidator.TryParseDuration(rule.Window, out var window);
            Forecast = forecast;
            Window = window > TimeSpan.Zero ? window : AlertRuleValidator.DefaultWindow;
        }
        if (rule.Metric!.Contains("[*]", StringComparison.Ordinal))
        {
            _metricPattern = new Regex("^" + Regex.Escape(rule.Metric).Replace(@"\[\*]", @"\[[^\]]+]", StringComparison.Ordinal) + "$",
                RegexOptions.CultureInvariant);
        }

        _metric = rule.Metric;
        if (rule.Scope?.AgentIds is { } ids)
        {
            _agentIds = new HashSet<string>(ids, StringComparer.Ordinal);
        }
        else if (rule.Scope?.Match is { } glob)
        {
            _agentPattern = Glob.ToRegex(glob);
        }
    }

    public AlertRule Rule { get; }

    public string Id { get; }

    public bool IsLiveness { get; }

    public bool Enabled => Rule.Enabled ?? true;

    public string Comparator { get; }

    public double Threshold { get; }

    public double? Recovery { get; }

    public TimeSpan For { get; }

    public TimeSpan KeepFiringFor { get; }

    public string Severity => Rule.Severity ?? "warning";

    /// <summary>How far ahead a forecast rule looks; null for a rule on the value itself.</summary>
    public TimeSpan? Forecast { get; }

    /// <summary>The stretch of recent samples a forecast fits its line to.</summary>
    public TimeSpan Window { get; } = AlertRuleValidator.DefaultWindow;

    public bool AppliesTo(string agentId, string agentName) =>
        _agentIds?.Contains(agentId) ?? _agentPattern?.IsMatch(agentId) != false || _agentPattern.IsMatch(agentName);

    public bool HasExactMetric => _metricPattern is null;

    public bool MatchesSeries(string series) => _metricPattern?.IsMatch(series) ?? series == _metric;

    /// <summary>Whether the value breaks the rule.</summary>
    public bool Breaches(double value) => Compare(value, Comparator, Threshold);

    /// <summary>Whether a firing alert may resolve: past the recovery threshold when one is set, else no longer breaching.</summary>
    public bool Recovered(double value) => Recovery is { } recovery
        ? Comparator is ">" or ">=" ? value < recovery : value > recovery
        : !Breaches(value);

    private static bool Compare(double value, string comparator, double threshold) => comparator switch
    {
        ">" => value > threshold,
        ">=" => value >= threshold,
        "<" => value < threshold,
        "<=" => value <= threshold,
        "==" => value == threshold,
        _ => value != threshold,
    };
}

/// <summary>One version of the rules and silences, compiled.</summary>
public sealed class CompiledRuleSet(long version, IReadOnlyList<CompiledRule> rules, IReadOnlyList<CompiledSilence> silences)
{
    private readonly Dictionary<string, CompiledRule> _byId = rules.ToDictionary(r => r.Id, StringComparer.Ordinal);


    public long Version { get; } = version;

    public IReadOnlyList<CompiledRule> Rules { get; } = rules;

    public CompiledRule? Find(string id) => _byId.GetValueOrDefault(id);

    public IReadOnlyList<CompiledSilence> Silences { get; } = silences;

    public bool IsSilenced(AlertInstance alert, string agentId, DateTimeOffset now) =>
        Silences.Any(s => s.Matches(alert, agentId, now));

    public static CompiledRuleSet From(AlertConfiguration configuration) => new(
        configuration.Version,
        [.. configuration.Rules.Select(r => new CompiledRule(r))],
        [.. configuration.Silences.Select(s => new CompiledSilence(s))]);

    public static CompiledRuleSet From(IReadOnlyList<AlertRule> rules) => new(0, [.. rules.Select(r => new CompiledRule(r))], []);
}

/// <summary>A silence made ready to match alerts.</summary>
public sealed class CompiledSilence(Silence silence)
{
    private readonly Regex? _rule = silence.Matchers?.RuleId is { } rule ? Glob.ToRegex(rule) : null;
    private readonly Regex? _agent = silence.Matchers?.AgentId is { } agent ? Glob.ToRegex(agent) : null;

    public Silence Silence { get; } = silence;

    public bool Matches(AlertInstance alert, string agentId, DateTimeOffset now) => Matches(alert.RuleId, agentId, alert.Labels, now);

    public bool Matches(string ruleId, string agentId, IReadOnlyDictionary<string, string> labels, DateTimeOffset now) =>
        now >= (Silence.StartsAt ?? DateTimeOffset.MinValue) && now < (Silence.EndsAt ?? DateTimeOffset.MaxValue)
        && (_rule?.IsMatch(ruleId) ?? true)
        && (_agent?.IsMatch(agentId) ?? true)
        && (Silence.Matchers?.Labels ?? new Dictionary<string, string>()).All(m => labels.TryGetValue(m.Key, out var v) && v == m.Value);
}
