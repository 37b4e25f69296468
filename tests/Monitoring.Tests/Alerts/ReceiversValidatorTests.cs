using Monitoring.Silo.Notifications;

namespace Monitoring.Tests.Alerts;

/// <summary>Receivers are checked at start: every problem is named by its setting.</summary>
public sealed class ReceiversValidatorTests
{
    [Fact]
    public void One_receiver_of_each_type_passes_and_pagerduty_defaults_to_the_events_api()
    {
        var options = Options(
            new ReceiverOptions { Name = "hook", Type = "webhook", Url = "https://hooks.example/x" },
            new ReceiverOptions { Name = "am", Type = "alertmanager", Url = "http://alertmanager:9093" },
            new ReceiverOptions { Name = "slack", Type = "slack", Url = "https://hooks.slack.com/services/T/B/X" },
            new ReceiverOptions { Name = "teams", Type = "teams", Url = "https://example.webhook.office.com/x" },
            new ReceiverOptions { Name = "pd", Type = "pagerduty", RoutingKey = "key" },
            Mail(new SmtpOptions { Host = "smtp.example", From = "Monitoring <m@example.test>", To = ["ops@example.test"], Username = "u", Password = "p" }));

        Assert.True(new ReceiversValidator().Validate(null, options).Succeeded);
        Assert.Equal(new Uri("https://events.pagerduty.com/v2/enqueue"), options.Receivers[4].Endpoint);
        Assert.Equal(new Uri("http://alertmanager:9093/api/v2/alerts"), options.Receivers[1].Endpoint);
    }

    [Fact]
    public void An_unknown_type_is_named_with_the_known_ones()
    {
        var failures = Failures(new ReceiverOptions { Name = "x", Type = "sms", Url = "https://sms.example" });

        Assert.Equal("Alerting:Receivers:0:Type 'sms' is unknown; it must be one of webhook, alertmanager, email, slack, teams, pagerduty.", Assert.Single(failures));
    }

    [Theory]
    [InlineData("slack", "")]
    [InlineData("teams", "not a url")]
    [InlineData("webhook", "ftp://files.example/x")]
    [InlineData("pagerduty", "/relative")]
    public void Chat_and_webhook_receivers_need_an_absolute_http_url(string type, string url)
    {
        var failures = Failures(new ReceiverOptions { Name = "x", Type = type, Url = url, RoutingKey = "key" });

        Assert.Equal("Alerting:Receivers:0:Url must be an absolute http or https URL.", Assert.Single(failures));
    }

    [Fact]
    public void Pagerduty_needs_a_routing_key()
    {
        var failures = Failures(new ReceiverOptions { Name = "pd", Type = "pagerduty" });

        Assert.Equal("Alerting:Receivers:0:RoutingKey must be set to the PagerDuty service's integration key.", Assert.Single(failures));
    }

    [Fact]
    public void Email_needs_a_host_a_sender_recipients_and_both_credentials()
    {
        var failures = Failures(
            new ReceiverOptions { Name = "ok", Type = "webhook", Url = "https://hooks.example/x" },
            Mail(new SmtpOptions { Host = "", Port = 0, From = "nobody", To = ["ops@example.test", "oncall"], Username = "u" }));

        Assert.Equal(
        [
            "Alerting:Receivers:1:Smtp:Host must name the mail server.",
            "Alerting:Receivers:1:Smtp:Port must be between 1 and 65535.",
            "Alerting:Receivers:1:Smtp:From must be a mail address.",
            "Alerting:Receivers:1:Smtp:To holds 'oncall', which is not a mail address.",
            "Alerting:Receivers:1:Smtp:Username and Password must be set together.",
        ], failures);
        Assert.Equal("Alerting:Receivers:0:Smtp:To must list at least one recipient.",
            Assert.Single(Failures(Mail(new SmtpOptions { Host = "smtp.example", From = "m@example.test" }))));
    }

    [Fact]
    public void Names_must_be_set_and_unique()
    {
        var failures = Failures(
            new ReceiverOptions { Name = "a", Type = "slack", Url = "https://hooks.slack.com/x" },
            new ReceiverOptions { Name = "a", Type = "teams", Url = "https://teams.example/x" });

        Assert.Equal(["Alerting:Receivers:0:Name must be set and unique.", "Alerting:Receivers:1:Name must be set and unique."], failures);
    }

    private static ReceiverOptions Mail(SmtpOptions smtp) => new() { Name = "mail", Type = "email", Smtp = smtp };

    private static NotificationOptions Options(params ReceiverOptions[] receivers) => new() { Receivers = [.. receivers] };

    private static IEnumerable<string> Failures(params ReceiverOptions[] receivers) =>
        new ReceiversValidator().Validate(null, Options(receivers)).Failures ?? [];
}
