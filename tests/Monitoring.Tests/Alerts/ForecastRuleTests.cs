using Monitoring.Abstractions.Alerting;
using Monitoring.Contracts;
using Monitoring.Silo.Alerts;

namespace Monitoring.Tests.Alerts;

/// <summary>Forecast rules in the alert state machine alone: they judge the predicted value, carry the crossing time and never guess.</summary>
public sealed class ForecastRuleTests
{
    private const string Agent = "db-01";
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private readonly AlertEvaluator _evaluator = new(new AgentAlertState(), new AlertingOptions());

    private static CompiledRuleSet MountFills(string forDuration = "0") => CompiledRuleSet.From(
    [
        AlertRuleValidator.Validate(DefaultRules.All.Single(r => r.Id == "mount_fills") with { For = forDuration }, new Dictionary<string, string[]>())!,
    ]);

    [Fact]
    public void A_rising_mount_fires_with_the_predicted_crossing_and_a_flat_one_at_91_percent_does_not()
    {
        var rules = MountFills();
        for (var minute = 0; minute <= 90; minute += 10)
        {
            Sample(rules, minute, ("disk[/data].percent", 60 + minute / 10.0), ("disk[/].percent", 91));
        }

        var alert = Assert.Single(_evaluator.State.Alerts.Values);
        Assert.Equal(("disk[/data].percent", AlertState.Firing), (alert.Series, alert.State));
        Assert.Equal(69, alert.Value, 9);
        Assert.Equal(T0.AddMinutes(400), alert.PredictedAt!.Value, TimeSpan.FromSeconds(1));
        Assert.Equal("host db-01 disk[/data].percent at 69% is full in 5 h", alert.Summary);
        Assert.Equal(alert.PredictedAt, _evaluator.TakeEvents().Last().PredictedAt);
    }

    [Fact]
    public void Too_few_points_predict_nothing_however_steep_the_rise()
    {
        var rules = MountFills();
        for (var minute = 0; minute < 85; minute += 10)
        {
            Sample(rules, minute, ("disk[/data].percent", 10 + minute));
        }

        Assert.Empty(_evaluator.State.Alerts);
        Assert.Empty(_evaluator.TakeEvents());
    }

    [Fact]
    public void A_forecast_rule_waits_for_its_for_and_resolves_once_the_mount_stops_filling()
    {
        var rules = MountFills("20m");
        var minute = 0;
        for (; minute <= 120; minute += 10)
        {
            Sample(rules, minute, ("disk[/data].percent", 50 + minute / 10.0));
        }

        for (; minute <= 600; minute += 10)
        {
            Sample(rules, minute, ("disk[/data].percent", 62));
        }

        Assert.Equal(
            ["inactive>pending", "pending>firing", "firing>resolved"],
            _evaluator.TakeEvents().Select(e => $"{e.From}>{e.To}").Take(3));
    }

    [Theory]
    [InlineData(30, "30 min")]
    [InlineData(17 * 60 + 10, "17 h")]
    [InlineData(4 * 24 * 60, "4 d")]
    public void Eta_reads_in_the_largest_sensible_unit(int minutes, string eta) =>
        Assert.Equal(eta, AlertEvaluator.Eta(T0.AddMinutes(minutes), T0));

    private void Sample(CompiledRuleSet rules, int minute, params (string Series, double Value)[] values) =>
        _evaluator.OnSample(rules, Agent, "host " + Agent, values.ToDictionary(v => v.Series, v => v.Value), T0.AddMinutes(minute));
}
