using System.Net;
using System.Text.Json;
using Microsoft.Playwright;
using Monitoring.Tests;
using Monitoring.Tests.Http;
using static Microsoft.Playwright.Assertions;

namespace Monitoring.Browser.Tests;

[Collection(DashboardCollection.Name)]
public sealed class AlertsTests(DashboardFixture fixture)
{
    [Fact]
    public async Task A_firing_alert_shows_on_the_fleet_agent_and_alerts_pages_and_is_acknowledged_and_silenced_there()
    {
        var id = Samples.NewAgentId("alerting");
        var ruleName = $"<b>cpu</b> of {id}";
        using var http = fixture.Cluster.CreateClient();
        var rule = await http.PostRawAsync("/api/v1/alert-rules", JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["name"] = ruleName,
            ["metric"] = "cpu_percent",
            ["comparator"] = ">",
            ["threshold"] = 80,
            ["severity"] = "critical",
            ["scope"] = new Dictionary<string, string[]> { ["agent_ids"] = [id] },
            ["summary"] = "{agent_name} CPU at {value}",
        }));
        Assert.Equal(HttpStatusCode.Created, rule.StatusCode);
        var ruleUri = rule.Headers.Location!;
        try
        {
            Assert.Equal(HttpStatusCode.OK, (await http.PostSampleAsync(Samples.Sample(id, Samples.RecentTime(120), cpu: 10))).StatusCode);
            await using var browser = await fixture.OpenAsync();
            var page = browser.Page;
            await page.GotoAsync("./");
            var count = page.Locator($"[data-agent-id='{id}'] .alert-count");
            await Expect(count).ToHaveTextAsync("0");
            await Expect(page.Locator("#live-state")).ToHaveAttributeAsync("data-state", "live");

            await FireAsync(http, id);

            // Without a reload: the live samples make the page read the alert counts again within 5 s.
            await Expect(count).ToHaveTextAsync("1", new() { Timeout = 10_000 });
            await Expect(page.Locator(".total[data-kind='alerts'] .total-count")).Not.ToHaveTextAsync("0");
            await browser.ScreenshotAsync("alerts-fleet");

            await page.GotoAsync($"agent.html?id={id}");
            var row = page.Locator("#alerts tr").Filter(new() { HasText = ruleName });
            await Expect(row.Locator(".status")).ToHaveTextAsync("firing");
            await Expect(row).ToContainTextAsync($"host {id} CPU at 95");
            await browser.ScreenshotAsync("alerts-agent");

            await page.GotoAsync("alerts.html");
            var firing = page.Locator("#firing tr").Filter(new() { HasText = ruleName });
            await Expect(firing.Locator("a")).ToHaveAttributeAsync("href", $"agent.html?id={id}");
            await Expect(firing.Locator(".severity")).ToHaveTextAsync("critical");
            await Expect(page.Locator("#rules tr").Filter(new() { HasText = ruleName })).ToContainTextAsync("cpu_percent > 80");
            await Expect(page.Locator("main b")).ToHaveCountAsync(0);
            await browser.ScreenshotAsync("alerts-page");

            await page.Locator("#operator").FillAsync("night shift");
            await firing.GetByRole(AriaRole.Button, new() { Name = "Acknowledge" }).ClickAsync();
            await Expect(firing.Locator(".acknowledged")).ToHaveTextAsync("acknowledged by night shift");
            var acknowledged = await (await http.FetchAsync($"/api/v1/alerts?agent_id={id}&state=firing")).ReadJsonAsync();
            Assert.Equal("night shift", acknowledged.GetProperty("alerts")[0].GetProperty("acknowledged").GetProperty("by").GetString());

            await firing.GetByRole(AriaRole.Button, new() { Name = "Silence 1 h" }).ClickAsync();
            var silence = page.Locator("#silences tr").Filter(new() { HasText = $"agent {id}" });
            await Expect(silence).ToContainTextAsync("night shift");
            await browser.ScreenshotAsync("alerts-acknowledged-silenced");
            await silence.GetByRole(AriaRole.Button, new() { Name = "End" }).ClickAsync();
            await Expect(silence).ToHaveCountAsync(0);
            var silences = await (await http.FetchAsync("/api/v1/silences")).ReadJsonAsync();
            Assert.DoesNotContain(silences.GetProperty("silences").EnumerateArray(),
                s => s.GetProperty("matchers").TryGetProperty("agent_id", out var agent) && agent.GetString() == id
                    && DateTimeOffset.Parse(s.GetProperty("ends_at").GetString()!, System.Globalization.CultureInfo.InvariantCulture) > DateTimeOffset.UtcNow);
            Assert.Empty(browser.Errors);
        }
        finally
        {
            await http.DeleteAsync(ruleUri, TestContext.Current.CancellationToken);
        }
    }

    /// <summary>Reports a breaching sample until the rule, which reaches the grains on their next rule refresh, fires.</summary>
    private static async Task FireAsync(HttpClient http, string id)
    {
        var deadline = DateTimeOffset.UtcNow.AddSeconds(60);
        var second = 0;
        while (DateTimeOffset.UtcNow < deadline)
        {
            Assert.Equal(HttpStatusCode.OK, (await http.PostSampleAsync(Samples.Sample(id, Samples.RecentTime(60 - second++), cpu: 95))).StatusCode);
            var alerts = await (await http.FetchAsync($"/api/v1/alerts?agent_id={id}&state=firing")).ReadJsonAsync();
            if (alerts.GetProperty("alerts").GetArrayLength() == 1)
            {
                return;
            }

            await Task.Delay(500, TestContext.Current.CancellationToken);
        }

        Assert.Fail($"No alert fired for {id} within 60 s.");
    }
}
