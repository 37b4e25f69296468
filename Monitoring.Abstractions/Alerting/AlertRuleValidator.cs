using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Monitoring.Contracts;

namespace Monitoring.Abstractions.Alerting;

/// <summary>
/// Checks a rule as the API, the rules file and the rule-set grain receive it and fills in its defaults; each violation
/// names its field (<c>threshold</c>, <c>scope.agent_ids[1]</c>) so the API answers 400 naming it.
/// </summary>
public static partial class AlertRuleValidator
{
    public const string AgentDownMetric = "agent_down";
    public const string DefaultSummary = "{rule} on {agent_name}: {metric} is {value}";
    public const int MaxLabels = 32;

    public static TimeSpan DefaultWindow { get; } = TimeSpan.FromHours(6);

    public static TimeSpan MaxForecast { get; } = TimeSpan.FromDays(30);

    public static TimeSpan MaxWindow { get; } = TimeSpan.FromDays(7);

    public static IReadOnlyList<string> Comparators { get; } = [">", ">=", "<", "<=", "==", "!="];

    public static IReadOnlyList<string> Severities { get; } = ["warning", "critical"];

    /// <summary>
    /// The normalized rule (id derived from the name when absent, defaults filled in), or null with
    /// <paramref name="errors"/> filled; <paramref name="prefix"/> goes before each field name (<c>rules[2].</c>).
    /// </summary>
    public static AlertRule? Validate(AlertRule rule, IDictionary<string, string[]> errors, string prefix = "")
    {
        var before = errors.Count;
        void Fail(string field, string message) => errors[prefix + field] = [message];

        var name = rule.Name?.Trim();
        if (string.IsNullOrEmpty(name) || name.Length > 200)
        {
            Fail("name", "name is required, at most 200 characters.");
        }
        else if (TextRules.HasUnsafeCharacter(name))
        {
            Fail("name", "name " + TextRules.UnsafeMessage);
        }

        var id = string.IsNullOrEmpty(rule.Id) && !string.IsNullOrEmpty(name) ? Slug(name) : rule.Id;
        if (id is null || !RuleIdPattern().IsMatch(id))
        {
            Fail("id", "id must be 1 to 64 characters of a-z, A-Z, 0-9, '.', '_' or '-', starting with a letter or digit.");
        }

        var liveness = rule.Metric == AgentDownMetric;
        if (string.IsNullOrEmpty(rule.Metric))
        {
            Fail("metric", "metric is required.");
        }
        else if (!liveness && !IsKnownMetric(rule.Metric))
        {
            Fail("metric", $"Unknown metric '{rule.Metric}'. Use a series name such as cpu_percent, memory.percent, disk[*].percent, load.load1, net[eth0].rx_bytes_per_sec, check[host:443].latency_ms, temp[*].celsius, or {AgentDownMetric}.");
        }

        if (liveness)
        {
            if (rule.Comparator is not null || rule.Threshold is not null || rule.RecoveryThreshold is not null)
            {
                Fail("comparator", $"The {AgentDownMetric} rule takes no comparator, threshold or recovery_threshold: liveness decides it.");
            }
        }
        else
        {
            ValidateCondition(rule, Fail);
        }

        var forDuration = ValidateDuration(rule.For, "for", Fail);
        var keepFiring = ValidateDuration(rule.KeepFiringFor, "keep_firing_for", Fail);
        var (forecast, window) = ValidateForecast(rule, liveness, Fail);

        var severity = rule.Severity ?? "warning";
        if (!Severities.Contains(severity))
        {
            Fail("severity", "severity must be warning or critical.");
        }

        ValidateScope(rule.Scope, Fail);
        ValidateLabels(rule.Labels, Fail);

        if (rule.Summary is { Length: > 500 })
        {
            Fail("summary", "summary must be at most 500 characters.");
        }

        if (errors.Count > before)
        {
            return null;
        }

        return rule with
        {
            Id = id,
            Name = name,
            For = Format(forDuration),
            KeepFiringFor = Format(keepFiring),
            Forecast = forecast is { } ahead ? Format(ahead) : null,
            Window = forecast is null ? null : Format(window),
            Severity = severity,
            Summary = string.IsNullOrWhiteSpace(rule.Summary) ? DefaultSummary : rule.Summary,
            Labels = rule.Labels ?? new Dictionary<string, string>(),
            Enabled = rule.Enabled ?? true,
        };
    }

    /// <summary>Whether <paramref name="metric"/> names a series a sample can carry, with <c>*</c> allowed inside brackets.</summary>
    public static bool IsKnownMetric(string metric) => KnownMetricPattern().IsMatch(metric);

    /// <summary><c>0</c>, or a non-negative number with <c>s</c>, <c>m</c>, <c>h</c> or <c>d</c>; null when absent.</summary>
    public static bool TryParseDuration(string? value, out TimeSpan duration)
    {
        duration = TimeSpan.Zero;
        if (string.IsNullOrWhiteSpace(value))
        {
            return true;
        }

        var text = value.Trim();
        var (number, unit) = char.IsLetter(text[^1]) ? (text[..^1], text[^1]) : (text, 's');
        double? scale = unit switch
        {
            's' => 1,
            'm' => 60,
            'h' => 3600,
            'd' => 86_400,
            _ => null,
        };
        if (scale is null || !double.TryParse(number, NumberStyles.AllowDecimalPoint | NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var amount)
            || !double.IsFinite(amount) || Math.Abs(amount * scale.Value) > TimeSpan.FromDays(365).TotalSeconds)
        {
            return false;
        }

        duration = TimeSpan.FromSeconds(amount * scale.Value);
        return true;
    }

    /// <summary>The shortest of <c>90s</c>, <c>5m</c>, <c>2h</c>, <c>1d</c> that says the duration exactly.</summary>
    public static string Format(TimeSpan duration)
    {
        var seconds = duration.TotalSeconds;
        foreach (var (unit, scale) in new[] { ('d', 86_400.0), ('h', 3600.0), ('m', 60.0) })
        {
            if (seconds >= scale && seconds % scale == 0)
            {
                return (seconds / scale).ToString(CultureInfo.InvariantCulture) + unit;
            }
        }

        return seconds.ToString(CultureInfo.InvariantCulture) + "s";
    }

    private static void ValidateCondition(AlertRule rule, Action<string, string> fail)
    {
        if (rule.Comparator is null || !Comparators.Contains(rule.Comparator))
        {
            fail("comparator", $"comparator must be one of {string.Join(' ', Comparators)}.");
        }

        if (rule.Threshold is not { } threshold || !double.IsFinite(threshold))
        {
            fail("threshold", "threshold is required and must be a finite number.");
            return;
        }

        if (rule.RecoveryThreshold is not { } recovery)
        {
            return;
        }

        var goodSide = rule.Comparator switch
        {
            ">" or ">=" => recovery <= threshold,
            "<" or "<=" => recovery >= threshold,
            _ => false,
        };
        if (!double.IsFinite(recovery) || !goodSide)
        {
            fail("recovery_threshold", "recovery_threshold needs >, >=, < or <= and must lie on the resolved side of threshold (below it for > and >=, above it for < and <=).");
        }
    }

    private static TimeSpan ValidateDuration(string? value, string field, Action<string, string> fail)
    {
        if (!TryParseDuration(value, out var duration))
        {
            fail(field, $"{field} must be 0 or a number with s, m, h or d (e.g. 5m), at most 365d.");
        }
        else if (duration < TimeSpan.Zero)
        {
            fail(field, $"{field} must not be negative.");
        }

        return duration;
    }

    /// <summary>The forecast's reach and window, both positive and bounded; a null reach for a rule that forecasts nothing.</summary>
    private static (TimeSpan? Forecast, TimeSpan Window) ValidateForecast(AlertRule rule, bool liveness, Action<string, string> fail)
    {
        if (string.IsNullOrWhiteSpace(rule.Forecast))
        {
            if (!string.IsNullOrWhiteSpace(rule.Window))
            {
                fail("window", "window belongs to a forecast rule: set forecast too.");
            }

            return (null, DefaultWindow);
        }

        if (liveness)
        {
            fail("forecast", $"The {AgentDownMetric} rule takes no forecast.");
        }

        var forecast = ValidatePositive(rule.Forecast, "forecast", MaxForecast, fail);
        var window = string.IsNullOrWhiteSpace(rule.Window) ? DefaultWindow : ValidatePositive(rule.Window, "window", MaxWindow, fail);
        return (forecast, window);
    }

    private static TimeSpan ValidatePositive(string value, string field, TimeSpan max, Action<string, string> fail)
    {
        if (!TryParseDuration(value, out var duration) || duration <= TimeSpan.Zero || duration > max)
        {
            fail(field, $"{field} must be a positive number with s, m, h or d (e.g. 24h), at most {Format(max)}.");
        }

        return duration;
    }

    private static void ValidateScope(AlertScope? scope, Action<string, string> fail)
    {
        if (scope is null)
        {
            return;
        }

        if (scope.AgentIds is not null && scope.Match is not null)
        {
            fail("scope", "scope takes agent_ids or match, not both.");
            return;
        }

        if (scope.AgentIds is { } ids)
        {
            if (ids.Count == 0)
            {
                fail("scope.agent_ids", "scope.agent_ids must list at least one agent id (omit scope for every agent).");
            }

            for (var i = 0; i < ids.Count; i++)
            {
                if (ids[i] is null || !AgentIdPattern().IsMatch(ids[i]))
                {
                    fail($"scope.agent_ids[{i}]", "An agent id is 1 to 64 characters of A-Z, a-z, 0-9, '.', '_' or '-'.");
                }
            }
        }
        else if (scope.Match is { } match && (match.Length is 0 or > 200 || match.Trim() != match))
        {
            fail("scope.match", "scope.match is a glob of 1 to 200 characters (* and ? wildcards) without surrounding spaces.");
        }
    }

    private static void ValidateLabels(IReadOnlyDictionary<string, string>? labels, Action<string, string> fail)
    {
        if (labels is null)
        {
            return;
        }

        if (labels.Count > MaxLabels)
        {
            fail("labels", $"At most {MaxLabels} labels.");
        }

        foreach (var (key, value) in labels)
        {
            if (!LabelNamePattern().IsMatch(key))
            {
                fail($"labels.{key}", "A label name is 1 to 64 characters of a-z, A-Z, 0-9 and '_', not starting with a digit.");
            }
            else if (value is null || value.Length > 500)
            {
                fail($"labels.{key}", "A label value is a string of at most 500 characters.");
            }
            else if (TextRules.HasUnsafeCharacter(value))
            {
                fail($"labels.{key}", "A label value " + TextRules.UnsafeMessage);
            }
        }
    }

    private static string Slug(string name)
    {
        var slug = new StringBuilder(name.Length);
        foreach (var c in name.ToLowerInvariant())
        {
            slug.Append(char.IsAsciiLetterOrDigit(c) ? c : '_');
        }

        var text = slug.ToString().Trim('_');
        return text.Length > 64 ? text[..64] : text;
    }

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}\z")]
    private static partial Regex RuleIdPattern();

    [GeneratedRegex(@"^[A-Za-z0-9._-]{1,64}\z")]
    private static partial Regex AgentIdPattern();

    [GeneratedRegex(@"^[A-Za-z_][A-Za-z0-9_]{0,63}\z")]
    private static partial Regex LabelNamePattern();

    [GeneratedRegex("""
        ^(cpu_percent|uptime_seconds
        |memory\.(percent|total|used|available)
        |disk\.percent
        |cpu\.(count|user|system|iowait|steal)
        |cpu\.core\[([0-9]+|\*)\]
        |load\.load(1|5|15)
        |swap\.(total|used|percent)
        |disk\[[^\[\]]+\]\.(total|used|free|percent|inodes_percent)
        |diskio\[[^\[\]]+\]\.(read|write)_bytes_per_sec
        |net\[[^\[\]]+\]\.(rx|tx)_(bytes|packets|errors|drops)_per_sec
        |agent\.(spool_depth|spool_memory_samples|oldest_unsent_seconds|dropped_total|rejected_total|clock_offset_ms)
        |check\[[^\[\]]+\]\.(latency_ms|reachable)
        |temp\[[^\[\]]+\]\.celsius
        |fan\[[^\[\]]+\]\.rpm
        |cpu\.(frequency_mhz|throttle_count|package_throttle_count)
        |processes\.total
        |smart\[[^\[\]]+\]\.(healthy|temperature_celsius|power_on_hours|reallocated_sectors|pending_sectors|percentage_used)
        |raid\[[^\[\]]+\]\.(degraded|failed_disks|total_disks|recovery_percent)
        |service\[[^\[\]]+\]\.(active|failed|restarts))\z
        """, RegexOptions.IgnorePatternWhitespace)]
    private static partial Regex KnownMetricPattern();
}
