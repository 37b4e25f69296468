using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Monitoring.Agent.Collectors;
using Monitoring.Agent.DiskHealth;
using Monitoring.Agent.Systemd;
using Monitoring.Agent.Tests.Sending;

namespace Monitoring.Agent.Tests.Commands;

/// <summary>The whole sample, collected with the agent's own registrations, while smartctl and systemctl hang.</summary>
public sealed class HangingCommandSampleTests
{
    [Fact]
    public async Task Samples_are_taken_while_smartctl_and_systemctl_hang_and_stopping_the_agent_kills_them()
    {
        using var directory = new TempDirectory();
        var smartctlPid = directory.File("smartctl.pid");
        var systemctlPid = directory.File("systemctl.pid");
        var smartctl = StandInCommand.Hanging(directory, "smartctl", smartctlPid);
        var systemctl = StandInCommand.Hanging(directory, "systemctl", systemctlPid);
        int[] sleepers;
        var services = SenderTestHost.Build(
            new Uri("http://127.0.0.1:1/"),
            directory.File("spool"),
            before: registrations => registrations
                .AddSingleton(Fixture.Sources)
                .AddSingleton(new DiskHealthSources(smartctl, Fixture.Path("mdstat-degraded")))
                .AddSingleton(new SystemdSources(systemctl))
                .AddCollectors(),
            settings: new() { ["Agent:COMMAND_TIMEOUT"] = "300", ["Agent:SERVICES"] = "nginx" });
        await using (services)
        {
            var collection = services.GetServices<IHostedService>().OfType<CollectionService>().Single();

            var first = await collection.CollectAsync(TestContext.Current.CancellationToken);
            var second = await collection.CollectAsync(TestContext.Current.CancellationToken);
            sleepers = [await StandInCommand.PidAsync(smartctlPid), await StandInCommand.PidAsync(systemctlPid)];

            Assert.All(sleepers, sleeper => Assert.True(StandInCommand.IsRunning(sleeper), "the commands still hang"));
            Assert.All([first, second], sample =>
            {
                Assert.NotNull(sample.System!.Memory);
                Assert.Null(sample.System.Services);
                Assert.Null(sample.System.DiskHealth!.Smart);
                Assert.Equal(4, sample.System.DiskHealth.Raid!.Count);
            });
        }

        foreach (var sleeper in sleepers)
        {
            await Eventually.TrueAsync(() => !StandInCommand.IsRunning(sleeper), "the agent's stop killed the hanging command's child");
        }
    }
}
