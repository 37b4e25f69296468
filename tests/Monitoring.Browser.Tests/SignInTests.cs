using System.Net;
using System.Text.RegularExpressions;
using Monitoring.Tests;
using Monitoring.Tests.Cluster;
using Monitoring.Tests.Http;
using static Microsoft.Playwright.Assertions;

namespace Monitoring.Browser.Tests;

/// <summary>With access tokens configured the dashboard asks for a token once, then shows the fleet until signed out.</summary>
[Collection(DashboardCollection.Name)]
public sealed partial class SignInTests(DashboardFixture fixture)
{
    private const string AdminToken = "admin-token-0123456789abcdef";

    [Fact]
    public async Task The_dashboard_asks_for_a_token_once_then_shows_the_fleet_until_signed_out()
    {
        var agent = Samples.NewAgentId("signin");
        using (var http = fixture.Cluster.CreateClient())
        {
            Assert.Equal(HttpStatusCode.OK, (await http.PostSampleAsync(Samples.Sample(agent, Samples.RecentTime(30), name: $"name of {agent}"))).StatusCode);
        }

        await using var api = new ApiFactory(fixture.Cluster.Cluster, settings: new Dictionary<string, string>
        {
            ["AccessTokens:0:Token"] = AdminToken,
            ["AccessTokens:0:Role"] = "admin",
        });
        api.StartServer();
        await using var browser = await fixture.OpenAsync(DashboardFixture.AddressOf(api));
        var page = browser.Page;

        await page.GotoAsync("alerts.html");
        await Expect(page).ToHaveURLAsync(SignInPage());
        await page.Locator("#token").FillAsync(AdminToken + "X");
        await page.Locator("#sign-in button[type=submit]").ClickAsync();
        await Expect(page.Locator("#sign-in-error")).ToContainTextAsync("not recognised");
        await page.Locator("#token").FillAsync(AdminToken);
        await page.Locator("#sign-in button[type=submit]").ClickAsync();

        await Expect(page).ToHaveURLAsync(new Regex("/alerts\\.html$"));
        await page.GotoAsync("./");
        await Expect(page.Locator($"[data-agent-id='{agent}'] .name a")).ToHaveTextAsync($"name of {agent}");
        await Expect(page.Locator("body")).ToHaveAttributeAsync("data-access", "restricted");
        var cookie = Assert.Single(await page.Context.CookiesAsync(), c => c.Name == "monitoring_session");
        Assert.True(cookie.HttpOnly);
        Assert.Equal(Microsoft.Playwright.SameSiteAttribute.Strict, cookie.SameSite);

        await page.Locator("header .sign-out").ClickAsync();
        await Expect(page).ToHaveURLAsync(SignInPage());
        Assert.DoesNotContain(await page.Context.CookiesAsync(), c => c.Name == "monitoring_session");
        await page.GotoAsync("./");
        await Expect(page).ToHaveURLAsync(SignInPage());
        Assert.Empty(browser.ScriptErrors);
    }

    [GeneratedRegex("/signin\\.html")]
    private static partial Regex SignInPage();
}
