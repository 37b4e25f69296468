using Monitoring.Agent.Collectors;
using Monitoring.Agent.Configuration;
using Monitoring.Agent.Sending;
using Monitoring.Agent.Telemetry;

var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
{
    Args = args,
    ContentRootPath = AppContext.BaseDirectory,
});

// Under systemd: Type=notify readiness and stopping, and log lines with journal priorities; elsewhere it does nothing.
builder.Services.AddSystemd();
builder.AddAgentConfiguration();
builder.AddAgentTelemetry();
builder.Services.AddCollectors();
builder.Services.AddSending();

using var host = builder.Build();
if (AgentConfigurationExtensions.FindConfigurationError(host.Services) is { } problem)
{
    await Console.Error.WriteLineAsync($"Invalid agent configuration:{Environment.NewLine}{problem}");
    return 2;
}

await host.RunAsync();
return 0;
