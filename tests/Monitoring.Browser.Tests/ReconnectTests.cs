using System.Net;
using System.Net.Sockets;
using Monitoring.Tests;
using Monitoring.Tests.Cluster;
using Monitoring.Tests.Http;
using static Microsoft.Playwright.Assertions;

namespace Monitoring.Browser.Tests;

[Collection(DashboardCollection.Name)]
public sealed class ReconnectTests(DashboardFixture fixture)
{
    [Fact]
    public async Task The_fleet_page_shows_reconnecting_while_the_API_restarts_and_goes_live_again()
    {
        var port = FreePort();
        var id = Samples.NewAgentId("restart");
        var first = new ApiFactory(fixture.Cluster.Cluster, port);
        first.StartServer();
        var address = DashboardFixture.AddressOf(first);
        using (var http = first.CreateClient())
        {
            await http.PostSampleAsync(Samples.Sample(id, Samples.RecentTime(60), cpu: 11));
        }

        await using var browser = await fixture.OpenAsync(address);
        var page = browser.Page;
        await page.GotoAsync("./");
        var state = page.Locator("#live-state");
        await Expect(state).ToHaveAttributeAsync("data-state", "live");

        await first.DisposeAsync();
        await Expect(state).ToHaveAttributeAsync("data-state", "reconnecting");
        await Expect(state).ToHaveTextAsync("Reconnecting…");
        await browser.ScreenshotAsync("fleet-reconnecting");

        await using var second = new ApiFactory(fixture.Cluster.Cluster, port);
        second.StartServer();
        await Expect(state).ToHaveAttributeAsync("data-state", "live", new() { Timeout = 20_000 });
        using (var http = second.CreateClient())
        {
            await http.PostSampleAsync(Samples.Sample(id, Samples.RecentTime(1), cpu: 88));
        }

        await Expect(page.Locator($"[data-agent-id='{id}'] .bar-label").First).ToHaveTextAsync("88.0 %", new() { Timeout = 2000 });
        await browser.ScreenshotAsync("fleet-reconnected");
        Assert.Empty(browser.ScriptErrors);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
