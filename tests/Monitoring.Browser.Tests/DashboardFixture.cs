using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Monitoring.Tests.Cluster;

namespace Monitoring.Browser.Tests;

/// <summary>
/// The real cluster and API of <see cref="ClusterFixture"/> plus Debian's Chromium driven by Playwright, shared by the
/// browser tests. Playwright never downloads a browser here: it starts <c>/usr/bin/chromium</c>.
/// </summary>
public sealed class DashboardFixture : IAsyncLifetime
{
    public const string ChromiumPath = "/usr/bin/chromium";

    private IPlaywright _playwright = null!;

    public ClusterFixture Cluster { get; } = new();

    public IBrowser Browser { get; private set; } = null!;

    /// <summary>The API's real loopback address, e.g. <c>http://127.0.0.1:41234/</c>.</summary>
    public Uri BaseAddress { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        await Cluster.InitializeAsync();
        BaseAddress = AddressOf(Cluster.Api);
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            // Root in a container has no user namespace sandbox; the closed network refuses Chromium's background calls.
            Args = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
    }

    public async ValueTask DisposeAsync()
    {
        await Browser.DisposeAsync();
        _playwright.Dispose();
        await Cluster.DisposeAsync();
    }

    public static Uri AddressOf(ApiFactory api) =>
        new(api.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First() + "/");

    /// <summary>A fresh page (own context: no shared storage) whose script errors fail the test that reads them.</summary>
    public async Task<DashboardPage> OpenAsync(Uri? baseAddress = null)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = (baseAddress ?? BaseAddress).ToString(),
            ViewportSize = new ViewportSize { Width = 1400, Height = 1000 },
        });
        return new DashboardPage(context, await context.NewPageAsync());
    }
}

/// <summary>One browser page with what it reported: script errors, console errors and dialogs.</summary>
public sealed class DashboardPage : IAsyncDisposable
{
    private readonly IBrowserContext _context;

    public DashboardPage(IBrowserContext context, IPage page)
    {
        _context = context;
        Page = page;
        page.PageError += (_, error) =>
        {
            ScriptErrors.Add(error);
            Errors.Add(error);
        };
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                Errors.Add(message.Text);
            }
        };
        page.Dialog += async (_, dialog) =>
        {
            Dialogs.Add(dialog.Message);
            await dialog.DismissAsync();
        };
    }

    public IPage Page { get; }

    /// <summary>Uncaught script errors and console errors (a refused connection logs one too).</summary>
    public List<string> Errors { get; } = [];

    /// <summary>Uncaught script errors only.</summary>
    public List<string> ScriptErrors { get; } = [];

    public List<string> Dialogs { get; } = [];

    /// <summary>Saves a full-page screenshot under the test output folder's <c>screenshots/</c>.</summary>
    public async Task ScreenshotAsync(string name)
    {
        var folder = Path.Combine(AppContext.BaseDirectory, "screenshots");
        Directory.CreateDirectory(folder);
        await Page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(folder, name + ".png"), FullPage = true });
    }

    public async ValueTask DisposeAsync() => await _context.DisposeAsync();
}

[CollectionDefinition(Name)]
public sealed class DashboardCollection : ICollectionFixture<DashboardFixture>
{
    public const string Name = "dashboard";
}
