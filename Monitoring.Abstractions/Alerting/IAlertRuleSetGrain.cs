using Monitoring.Contracts;

namespace Monitoring.Abstractions.Alerting;

/// <summary>
/// The cluster's alert rules (one grain, key 0). Called on rule changes and by each silo's rule cache, never per sample.
/// </summary>
[Alias("Monitoring.IAlertRuleSetGrain")]
public interface IAlertRuleSetGrain : IGrainWithIntegerKey
{
    [Alias("GetRules")]
    Task<AlertRuleList> GetRules();

    /// <summary>
    /// Adds a validated rule; <see cref="RuleChangeOutcome.Conflict"/> when its id is taken,
    /// <see cref="RuleChangeOutcome.OverQuota"/> when the set holds <c>Quotas:MaxRules</c> rules.
    /// </summary>
    [Alias("Add")]
    Task<RuleChange> Add(AlertRule rule);

    /// <summary>Replaces rule <paramref name="id"/> with a validated rule of the same id.</summary>
    [Alias("Replace")]
    Task<RuleChange> Replace(string id, AlertRule rule);

    [Alias("Remove")]
    Task<RuleChange> Remove(string id);

    /// <summary>Rules and silences when the version differs from <paramref name="knownVersion"/>, else null: what each silo caches.</summary>
    [Alias("GetConfigurationIfChanged")]
    Task<AlertConfiguration?> GetConfigurationIfChanged(long knownVersion);

    [Alias("GetSilences")]
    Task<SilenceList> GetSilences();

    /// <summary>Adds a validated silence and gives it an id; null, adding nothing, when <c>Quotas:MaxSilences</c> are stored (ended ones count until deleted).</summary>
    [Alias("AddSilence")]
    Task<Silence?> AddSilence(Silence silence);

    [Alias("RemoveSilence")]
    Task<bool> RemoveSilence(string id);

    /// <summary>The rules as a rules file in <c>yaml</c> or <c>json</c>, the format the silo seeds from.</summary>
    [Alias("Export")]
    Task<string> Export(string format);
}

[GenerateSerializer, Alias("Monitoring.RuleChangeOutcome")]
public enum RuleChangeOutcome
{
    Done,
    NotFound,
    Conflict,
    OverQuota,
}

/// <summary>What a change did, the rule as stored (the removed one for a removal), the rule set's version after it and the rule it replaced.</summary>
[GenerateSerializer, Immutable, Alias("Monitoring.RuleChange")]
public sealed record RuleChange(
    [property: Id(0)] RuleChangeOutcome Outcome,
    [property: Id(1)] AlertRule? Rule,
    [property: Id(2)] long Version,
    [property: Id(3)] AlertRule? Replaced = null);

/// <summary>Everything a silo needs to evaluate and notify: rules and silences under one version.</summary>
[GenerateSerializer, Immutable, Alias("Monitoring.AlertConfiguration")]
public sealed record AlertConfiguration(
    [property: Id(0)] long Version,
    [property: Id(1)] IReadOnlyList<AlertRule> Rules,
    [property: Id(2)] IReadOnlyList<Silence> Silences);
