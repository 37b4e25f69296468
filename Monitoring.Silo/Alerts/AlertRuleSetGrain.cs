using Microsoft.Extensions.Options;
using Monitoring.Abstractions.Alerting;
using Monitoring.Contracts;
using Monitoring.Silo.Storage;

namespace Monitoring.Silo.Alerts;

/// <summary>
/// Owns the rule set, the silences and their one version in grain storage; seeds it at first activation from the configured rules file, or
/// the defaults. Agent grains never call it: each silo's <see cref="AlertRuleCache"/> asks it for changes.
/// </summary>
public sealed partial class AlertRuleSetGrain(
    [PersistentState("alert-rules", StorageNames.Monitoring)] IPersistentState<AlertRuleSetState> state,
    IOptions<AlertingOptions> options,
    IOptions<QuotaOptions> quotas,
    ILogger<AlertRuleSetGrain> logger) : Grain, IAlertRuleSetGrain
{
    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (state.RecordExists)
        {
            return;
        }

        var file = options.Value.RulesFile;
        var seed = string.IsNullOrEmpty(file) ? DefaultRules.All : RulesFile.Load(file);
        state.State.Rules = [.. seed.Select(rule => AlertRuleValidator.Validate(rule, new Dictionary<string, string[]>())!)];
        state.State.Version = 1;
        await state.WriteStateAsync(cancellationToken);
        LogSeeded(logger, state.State.Rules.Count, string.IsNullOrEmpty(file) ? "the defaults" : file);
    }

    public Task<AlertRuleList> GetRules() => Task.FromResult(Snapshot());

    public async Task<RuleChange> Add(AlertRule rule)
    {
        var valid = Valid(rule);
        if (state.State.Rules.Any(r => r.Id == valid.Id))
        {
            return new RuleChange(RuleChangeOutcome.Conflict, null, state.State.Version);
        }

        if (state.State.Rules.Count >= quotas.Value.MaxRules)
        {
            return new RuleChange(RuleChangeOutcome.OverQuota, null, state.State.Version);
        }

        state.State.Rules.Add(valid);
        return await Commit(valid);
    }

    public async Task<RuleChange> Replace(string id, AlertRule rule)
    {
        var index = state.State.Rules.FindIndex(r => r.Id == id);
        if (index < 0)
        {
            return new RuleChange(RuleChangeOutcome.NotFound, null, state.State.Version);
        }

        var valid = Valid(rule with { Id = id });
        var replaced = state.State.Rules[index];
        state.State.Rules[index] = valid;
        return await Commit(valid) with { Replaced = replaced };
    }

    public async Task<RuleChange> Remove(string id)
    {
        var removed = state.State.Rules.Find(r => r.Id == id);
        if (removed is null)
        {
            return new RuleChange(RuleChangeOutcome.NotFound, null, state.State.Version);
        }

        state.State.Rules.Remove(removed);
        return await Commit(removed);
    }

    public Task<AlertConfiguration?> GetConfigurationIfChanged(long knownVersion) =>
        Task.FromResult(knownVersion == state.State.Version
            ? null
            : new AlertConfiguration(state.State.Version, [.. state.State.Rules], [.. state.State.Silences]));

    public Task<SilenceList> GetSilences() => Task.FromResult(new SilenceList([.. state.State.Silences]));

    public async Task<Silence?> AddSilence(Silence silence)
    {
        if (state.State.Silences.Count >= quotas.Value.MaxSilences)
        {
            return null;
        }

        var added = silence with { Id = Guid.NewGuid().ToString("N") };
        state.State.Silences.Add(added);
        await Commit(null);
        return added;
    }

    public async Task<bool> RemoveSilence(string id)
    {
        if (state.State.Silences.RemoveAll(s => s.Id == id) == 0)
        {
            return false;
        }

        await Commit(null);
        return true;
    }

    public Task<string> Export(string format) => Task.FromResult(RulesFile.Write(Snapshot(), RulesFile.IsYaml(format)));

    private AlertRuleList Snapshot() => new() { Version = state.State.Version, Rules = [.. state.State.Rules] };

    private async Task<RuleChange> Commit(AlertRule? rule)
    {
        state.State.Version++;
        await state.WriteOrForgetAsync();
        return new RuleChange(RuleChangeOutcome.Done, rule, state.State.Version);
    }

    private static AlertRule Valid(AlertRule rule)
    {
        var errors = new Dictionary<string, string[]>();
        return AlertRuleValidator.Validate(rule, errors)
            ?? throw new ArgumentException($"Invalid rule: {string.Join("; ", errors.Select(e => $"{e.Key}: {e.Value[0]}"))}", nameof(rule));
    }

    [LoggerMessage(1, LogLevel.Information, "Alert rules seeded with {Count} rules from {Source}")]
    private static partial void LogSeeded(ILogger logger, int count, string source);
}

[GenerateSerializer, Alias("Monitoring.AlertRuleSetState")]
public sealed class AlertRuleSetState
{
    [Id(0)]
    public long Version { get; set; }

    [Id(1)]
    public List<AlertRule> Rules { get; set; } = [];

    [Id(2)]
    public List<Silence> Silences { get; set; } = [];
}
