using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Monitoring.Agent.Configuration;
using Monitoring.Agent.Sending;

namespace Monitoring.Agent.Tests.Sending;

internal static class SenderTestHost
{
    /// <summary>
    /// The agent's own sending registrations, pointed at <paramref name="server"/> with millisecond backoff, no backfill start
    /// delay and a spool in <paramref name="spoolDirectory"/>; <paramref name="before"/> and <paramref name="after"/> change them.
    /// </summary>
    public static ServiceProvider Build(Uri server, string spoolDirectory, Action<IServiceCollection>? before = null, Dictionary<string, string?>? settings = null, Action<IServiceCollection>? after = null)
    {
        var values = new Dictionary<string, string?>
        {
            ["Agent:AGENT_ID"] = "agent-under-test",
            ["Agent:SERVER_URL"] = server.ToString(),
            ["Agent:RETRY_BASE_DELAY"] = "0.01",
            ["Agent:RETRY_MAX_DELAY"] = "0.05",
            ["Agent:SPOOL_DIRECTORY"] = spoolDirectory,
            ["Agent:BACKFILL_START_DELAY"] = "0",
        };
        foreach (var (key, value) in settings ?? [])
        {
            values[key] = value;
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        var services = new ServiceCollection().AddLogging().AddMetrics();
        before?.Invoke(services);
        services.AddAgentOptions(configuration).AddSending();
        after?.Invoke(services);
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }
}
