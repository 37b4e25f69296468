using Monitoring.Tests.Cluster;
using static Microsoft.Playwright.Assertions;

namespace Monitoring.Browser.Tests;

/// <summary>Every page warns while no access token is configured, and says nothing once one is.</summary>
[Collection(DashboardCollection.Name)]
public sealed class AccessBannerTests(DashboardFixture fixture)
{
    [Theory]
    [InlineData("./")]
    [InlineData("alerts.html")]
    [InlineData("agent.html?id=banner-agent")]
    public async Task A_page_of_an_open_API_warns_that_anyone_can_change_alerting(string path)
    {
        await using var browser = await fixture.OpenAsync();
        await browser.Page.GotoAsync(path);

        await Expect(browser.Page.Locator("body")).ToHaveAttributeAsync("data-access", "open");
        await Expect(browser.Page.Locator(".open-access")).ToContainTextAsync("anyone who can reach this dashboard can read the fleet and change alert rules");
    }

    [Fact]
    public async Task A_page_of_an_API_with_access_tokens_shows_no_warning()
    {
        await using var api = new ApiFactory(fixture.Cluster.Cluster, settings: new Dictionary<string, string>
        {
            ["AccessTokens:0:Token"] = "read-token-0123456789abcdef",
            ["AccessTokens:0:Role"] = "read",
        });
        api.StartServer();
        await using var browser = await fixture.OpenAsync(DashboardFixture.AddressOf(api));
        // Signed in through the API with the page's own cookies; SignInTests signs in through the page.
        var signIn = await browser.Page.Context.APIRequest.PostAsync("api/v1/session", new() { DataObject = new { token = "read-token-0123456789abcdef" } });
        Assert.True(signIn.Ok);
        await browser.Page.GotoAsync("alerts.html");

        // The page has asked and decided before the banner could appear.
        await Expect(browser.Page.Locator("body")).ToHaveAttributeAsync("data-access", "restricted");
        await Expect(browser.Page.Locator(".open-access")).ToHaveCountAsync(0);
    }
}
