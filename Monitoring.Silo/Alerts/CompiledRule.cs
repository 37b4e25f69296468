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
        if (rule.Metric!.Contains("[*]", StringComparison.Ordinal))
        {
            _metricPattern = new Regex("^" + Regex.Escape(rule.Metric).Replace(@"\[\*]", @"\[[^\]]+]", StringComparison.Ordinal) + "$",
                RegexOptions.CultureInvariant);
        }

        if (rule.Scope?.AgentIds is { } ids)
        {
            _agentIds = new HashSet<string>(ids, StringComparer.Ordinal);
        }
        else if (rule.Scope?.Match is { } glob)
        {
            _agentPattern = new Regex("^" + Regex.Escape(glob).Replace(@"\*", ".*", StringComparison.Ordinal).Replace(@"\?", ".", StringComparison.Ordinal) + "$",
                RegexOptions.CultureInvariant | RegexOptions.IgnoreCase);
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

    public bool AppliesTo(string agentId, string agentName) =>
        _agentIds?.Contains(agentId) ?? _agentPattern?.IsMatch(agentId) != false || _agentPattern.IsMatch(agentName);

    public bool HasExactMetric => _metricPattern is null;

    public bool MatchesSeries(string series) => _metricPattern?.IsMatch(series) ?? series == Rule.Metric;

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

/// <summary>One version of the rule set, compiled.</summary>
public sealed class CompiledRuleSet(long version, IReadOnlyList<CompiledRule> rules)
{
    private readonly Dictionary<string, CompiledRule> _byId = rules.ToDictionary(r => r.Id, StringComparer.Ordinal);

    public static CompiledRuleSet Empty { get; } = new(0, []);

    public long Version { get; } = version;

    public IReadOnlyList<CompiledRule> Rules { get; } = rules;

    public CompiledRule? Find(string id) => _byId.GetValueOrDefault(id);

    public static CompiledRuleSet From(AlertRuleList list) => new(list.Version, [.. list.Rules.Select(r => new CompiledRule(r))]);
}
