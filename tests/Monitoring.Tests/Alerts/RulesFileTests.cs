using Monitoring.Silo.Alerts;

namespace Monitoring.Tests.Alerts;

/// <summary>Rules as code: the YAML and JSON rules files the silo seeds from.</summary>
public sealed class RulesFileTests
{
    [Fact]
    public void A_yaml_rules_file_reads_every_field()
    {
        var rules = RulesFile.Parse("""
            rules:
              - id: web_latency
                name: Web latency
                metric: "check[https://example.org/health].latency_ms"
                comparator: ">="
                threshold: 250.5
                for: 90s
                recovery_threshold: 200
                keep_firing_for: 2m
                severity: critical
                scope:
                  agent_ids: [web-01, "007"]
                labels:
                  team: web
                  page: "true"
                summary: "{agent_name} latency {value} ms"
                enabled: false
              - name: Any disk
                metric: disk[*].percent
                comparator: ">"
                threshold: 80
            """, yaml: true);

        var web = rules[0];
        Assert.Equal(("web_latency", "check[https://example.org/health].latency_ms", ">=", 250.5, "90s"), (web.Id, web.Metric, web.Comparator, web.Threshold!.Value, web.For));
        Assert.Equal((200.0, "2m", "critical", false), (web.RecoveryThreshold!.Value, web.KeepFiringFor, web.Severity, web.Enabled!.Value));
        Assert.Equal(["web-01", "007"], web.Scope!.AgentIds!);
        Assert.Equal("true", web.Labels!["page"]);
        Assert.Equal("any_disk", rules[1].Id);
    }

    [Fact]
    public void An_invalid_rules_file_names_the_rule_and_field()
    {
        var error = Assert.Throws<InvalidDataException>(() => RulesFile.Parse("""
            rules:
              - name: ok
                metric: cpu_percent
                comparator: ">"
                threshold: 1
              - name: broken
                metric: cpu_percent
                comparator: ">"
                threshold: 1
                for: -5m
            """, yaml: true));

        Assert.Contains("rules[1].for", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Duplicate_ids_in_a_rules_file_are_refused() =>
        Assert.Throws<InvalidDataException>(() => RulesFile.Parse("""
            {"rules": [{"id": "a", "name": "a", "metric": "cpu_percent", "comparator": ">", "threshold": 1},
                       {"id": "a", "name": "b", "metric": "cpu_percent", "comparator": ">", "threshold": 2}]}
            """, yaml: false));
}
