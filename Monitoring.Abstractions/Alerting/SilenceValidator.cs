using System.Text.RegularExpressions;
using Monitoring.Contracts;

namespace Monitoring.Abstractions.Alerting;

/// <summary>Checks a new silence; each violation names its field.</summary>
public static partial class SilenceValidator
{
    /// <summary>The silence with <c>starts_at</c> filled in, or null with <paramref name="errors"/> filled.</summary>
    public static Silence? Validate(Silence silence, DateTimeOffset now, IDictionary<string, string[]> errors)
    {
        var before = errors.Count;
        var matchers = silence.Matchers;
        if (matchers is null || (matchers.RuleId is null && matchers.AgentId is null && (matchers.Labels is null || matchers.Labels.Count == 0)))
        {
            errors["matchers"] = ["matchers needs at least one of rule_id, agent_id or labels."];
        }
        else
        {
            if (matchers.RuleId is { } rule && !GlobPattern().IsMatch(rule))
            {
                errors["matchers.rule_id"] = ["matchers.rule_id is a glob of 1 to 200 characters of A-Z, a-z, 0-9, '.', '_', '-', '*' or '?'."];
            }

            if (matchers.AgentId is { } agent && !GlobPattern().IsMatch(agent))
            {
                errors["matchers.agent_id"] = ["matchers.agent_id is a glob of 1 to 200 characters of A-Z, a-z, 0-9, '.', '_', '-', '*' or '?'."];
            }

            foreach (var (key, value) in matchers.Labels ?? new Dictionary<string, string>())
            {
                if (!LabelNamePattern().IsMatch(key) || value is null || TextRules.HasUnsafeCharacter(value))
                {
                    errors[$"matchers.labels.{key}"] = ["A label matcher is a valid label name with a string value that " + TextRules.UnsafeMessage];
                }
            }
        }

        var starts = silence.StartsAt ?? now;
        if (silence.EndsAt is not { } ends)
        {
            errors["ends_at"] = ["ends_at is required."];
        }
        else if (ends <= starts || ends <= now)
        {
            errors["ends_at"] = ["ends_at must be later than starts_at and than now."];
        }

        if (silence.CreatedBy is { Length: > 200 } || silence.Comment is { Length: > 2000 })
        {
            errors["comment"] = ["created_by is at most 200 and comment at most 2000 characters."];
        }
        else if (TextRules.HasUnsafeCharacter(silence.CreatedBy))
        {
            errors["created_by"] = ["created_by " + TextRules.UnsafeMessage];
        }

        return errors.Count > before ? null : silence with { StartsAt = starts };
    }

    [GeneratedRegex(@"^[A-Za-z0-9._*?-]{1,200}\z")]
    private static partial Regex GlobPattern();

    [GeneratedRegex(@"^[A-Za-z_][A-Za-z0-9_]{0,63}\z")]
    private static partial Regex LabelNamePattern();
}
