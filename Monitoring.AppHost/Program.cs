using System.Globalization;
using Microsoft.Extensions.Configuration;

var builder = DistributedApplication.CreateBuilder(args);

var settings = builder.Configuration.GetSection("Monitoring");
var dataFolder = settings["DataFolder"] is { Length: > 0 } folder
    ? Path.GetFullPath(folder)
    : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.Create), "monitoring", "apphost");

// Fixed ports one above Orleans' defaults, so a standalone silo on 11111/30000 can run beside the AppHost's cluster.
var cluster = new Dictionary<string, string>
{
    ["Cluster__SiloPort"] = settings.GetValue("SiloPort", 11112).ToString(CultureInfo.InvariantCulture),
    ["Cluster__GatewayPort"] = settings.GetValue("GatewayPort", 30001).ToString(CultureInfo.InvariantCulture),
    ["Cluster__GatewayAddress"] = "127.0.0.1",
    ["Cluster__ServiceId"] = "monitoring",
    // Its own cluster id: an API wired to the wrong gateway is refused instead of joining another cluster.
    ["Cluster__ClusterId"] = "monitoring-apphost",
};

var silo = builder.AddProject<Projects.Monitoring_Silo>("silo")
    .WithHttpEndpoint()
    .WithEnvironment("ConnectionStrings__monitoring", $"Data Source={Path.Combine(dataFolder, "monitoring.db")}")
    .WithHttpHealthCheck("/health");

var api = builder.AddProject<Projects.Monitoring_Api>("api")
    .WithHttpEndpoint()
    .WithHttpHealthCheck("/health")
    .WithUrlForEndpoint("http", url => url.DisplayText = "API")
    .WithUrlForEndpoint("http", endpoint => new ResourceUrlAnnotation { Url = "/", DisplayText = "Dashboard", Endpoint = endpoint })
    .WithUrlForEndpoint("http", endpoint => new ResourceUrlAnnotation { Url = "/api/v1/agents", DisplayText = "Agents (JSON)", Endpoint = endpoint })
    .WaitFor(silo);

foreach (var (name, value) in cluster)
{
    silo.WithEnvironment(name, value);
    api.WithEnvironment(name, value);
}

foreach (var agentId in new[] { "agent-001", "agent-002", "agent-003" })
{
    builder.AddProject<Projects.Monitoring_Agent>(agentId)
        .WithEnvironment("AGENT_ID", agentId)
        .WithEnvironment("AGENT_NAME", $"Demo {agentId}")
        .WithEnvironment("COLLECTION_INTERVAL", "5")
        .WithEnvironment("SPOOL_DIRECTORY", Path.Combine(dataFolder, "spool", agentId))
        .WithEnvironment("SERVER_URL", api.GetEndpoint("http"))
        .WaitFor(api);
}

builder.Build().Run();
