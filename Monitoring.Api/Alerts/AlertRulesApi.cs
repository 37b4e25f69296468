using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Monitoring.Abstractions.Alerting;
using Monitoring.Contracts;
using Monitoring.Api.Limits;

namespace Monitoring.Api.Alerts;

/// <summary>Alert rules under <c>/api/v1/alert-rules</c>: list, read, create, replace, delete, preview and export as a rules file.</summary>
public static class AlertRulesApi
{
    public static IEndpointRouteBuilder MapAlertRulesApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("api/v1/alert-rules").WithTags("Alert rules").ProducesProblem(StatusCodes.Status503ServiceUnavailable)
            .RequireAuthorization(AccessControl.Read).RequireRateLimiting(RateLimits.Queries).ProducesProblem(StatusCodes.Status429TooManyRequests);

        api.MapGet("", ListRules).WithName("ListAlertRules").WithSummary("Every rule and the rule set's version.");
        api.MapGet("export", Export).WithName("ExportAlertRules").WithSummary("The rules as a rules file (format=yaml|json), the format Alerting:RulesFile seeds from.");
        api.MapPost("preview", Preview).WithName("PreviewAlertRule")
            .WithSummary("Replay a rule (saved or not) over stored history: the transitions it would have made and the notifications it would have sent.");
        api.MapGet("{id}", GetRule).WithName("GetAlertRule").WithSummary("One rule.").ProducesProblem(StatusCodes.Status404NotFound);
        api.MapPost("", CreateRule).WithName("CreateAlertRule").WithSummary("Add a rule; its id defaults to a slug of its name.").RequireAuthorization(AccessControl.Admin)
            .ProducesProblem(StatusCodes.Status409Conflict);
        api.MapPut("{id}", ReplaceRule).WithName("ReplaceAlertRule").WithSummary("Replace a rule.").RequireAuthorization(AccessControl.Admin);
        api.MapDelete("{id}", DeleteRule).WithName("DeleteAlertRule").WithSummary("Delete a rule.").RequireAuthorization(AccessControl.Admin);
        return app;
    }

    public static async Task<Ok<AlertRuleList>> ListRules(IGrainFactory grains) =>
        TypedResults.Ok(await RuleSet(grains).GetRules());

    public static async Task<Results<Ok<AlertRule>, ProblemHttpResult>> GetRule(string id, IGrainFactory grains) =>
        (await RuleSet(grains).GetRules()).Rules.FirstOrDefault(r => r.Id == id) is { } rule
            ? TypedResults.Ok(rule)
            : UnknownRule(id);

    public static async Task<Results<ContentHttpResult, ValidationProblem>> Export(string? format, IGrainFactory grains)
    {
        var chosen = format ?? "yaml";
        if (chosen is not ("yaml" or "json"))
        {
            return TypedResults.ValidationProblem(
                new Dictionary<string, string[]> { ["format"] = ["format must be yaml or json."] }, title: "The export request is invalid.");
        }

        var text = await RuleSet(grains).Export(chosen);
        return TypedResults.Text(text, chosen == "yaml" ? "application/yaml" : "application/json");
    }

    public static async Task<Results<Created<AlertRule>, ValidationProblem, ProblemHttpResult>> CreateRule(AlertRule rule, ClaimsPrincipal user, IGrainFactory grains)
    {
        var errors = new Dictionary<string, string[]>();
        if (AlertRuleValidator.Validate(rule, errors) is not { } valid)
        {
            return Invalid(errors);
        }

        var change = await RuleSet(grains).Add(valid);
        switch (change.Outcome)
        {
            case RuleChangeOutcome.Conflict:
                return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "A rule with this id exists.",
                    detail: $"Rule '{valid.Id}' exists; replace it with PUT /api/v1/alert-rules/{valid.Id}.");
            case RuleChangeOutcome.OverQuota:
                return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "The rule quota is full; nothing was changed.",
                    detail: "The cluster holds its maximum of rules (Quotas:MaxRules); delete a rule or raise the quota.");
        }

        await grains.RecordAsync(user, "CreateAlertRule", valid.Id!, null, change.Rule, MonitoringJsonContext.Default.AlertRule);
        return TypedResults.Created($"/api/v1/alert-rules/{Uri.EscapeDataString(valid.Id!)}", change.Rule);
    }

    public static async Task<Results<Ok<AlertRule>, ValidationProblem, ProblemHttpResult>> ReplaceRule(string id, AlertRule rule, ClaimsPrincipal user, IGrainFactory grains)
    {
        var errors = new Dictionary<string, string[]>();
        if (rule.Id is not null && rule.Id != id)
        {
            errors["id"] = ["The body's id must match the rule id in the path, or be omitted."];
            return Invalid(errors);
        }

        if (AlertRuleValidator.Validate(rule with { Id = id }, errors) is not { } valid)
        {
            return Invalid(errors);
        }

        var change = await RuleSet(grains).Replace(id, valid);
        if (change.Outcome == RuleChangeOutcome.NotFound)
        {
            return UnknownRule(id);
        }

        await grains.RecordAsync(user, "ReplaceAlertRule", id, change.Replaced, change.Rule, MonitoringJsonContext.Default.AlertRule);
        return TypedResults.Ok(change.Rule!);
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> DeleteRule(string id, ClaimsPrincipal user, IGrainFactory grains)
    {
        var change = await RuleSet(grains).Remove(id);
        if (change.Outcome == RuleChangeOutcome.NotFound)
        {
            return UnknownRule(id);
        }

        await grains.RecordAsync(user, "DeleteAlertRule", id, change.Rule, null, MonitoringJsonContext.Default.AlertRule);
        return TypedResults.NoContent();
    }

    public static readonly TimeSpan MaxPreviewRange = TimeSpan.FromDays(31);

    public static async Task<Results<Ok<AlertRulePreview>, ValidationProblem, ProblemHttpResult>> Preview(
        AlertRulePreviewRequest request, IGrainFactory grains, TimeProvider time)
    {
        var errors = new Dictionary<string, string[]>();
        AlertRule? rule = null;
        if ((request.Rule is null) == (request.RuleId is null))
        {
            errors["rule"] = ["Give either rule (a rule to try) or rule_id (a saved rule)."];
        }
        else if (request.Rule is { } candidate)
        {
            rule = AlertRuleValidator.Validate(candidate, errors, "rule.");
        }

        if (request.AgentId is { } agent && !Ingest.SampleValidator.IsValidAgentId(agent))
        {
            errors["agent_id"] = ["agent_id must be 1 to 64 characters of A-Z, a-z, 0-9, '.', '_' or '-'."];
        }

        var to = request.To ?? time.GetUtcNow();
        if (!TimeParameter.Supported(to, "to", errors))
        {
            to = time.GetUtcNow();
        }

        var from = request.From ?? to - TimeSpan.FromDays(1);
        if (!TimeParameter.Supported(from, "from", errors))
        {
            from = to - TimeSpan.FromDays(1);
        }
        else if (from >= to || to - from > MaxPreviewRange)
        {
            errors["from"] = [$"from must be earlier than to, at most {MaxPreviewRange.TotalDays} days before it."];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors, title: "The preview request is invalid.");
        }

        if (request.RuleId is { } id)
        {
            rule = (await RuleSet(grains).GetRules()).Rules.FirstOrDefault(r => r.Id == id);
            if (rule is null)
            {
                return UnknownRule(id);
            }
        }

        return TypedResults.Ok(await grains.GetGrain<IAlertQueryGrain>(0).Preview(rule!, request.AgentId, from, to));
    }

    private static IAlertRuleSetGrain RuleSet(IGrainFactory grains) => grains.GetGrain<IAlertRuleSetGrain>(0);

    private static ValidationProblem Invalid(Dictionary<string, string[]> errors) =>
        TypedResults.ValidationProblem(errors, title: "The alert rule is invalid; nothing was changed.");

    private static ProblemHttpResult UnknownRule(string id) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Unknown alert rule.", detail: $"No rule has id '{id}'.");
}
