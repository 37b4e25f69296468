using Monitoring.Api;
using Monitoring.Silo;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddMonitoringSilo();

// The all-in-one node: the same process also serves the API, calling grains without a network hop.
var serveApi = builder.Configuration.GetValue<bool>("Silo:ServeApi");
if (serveApi)
{
    builder.AddMonitoringApi();
}

var app = builder.Build();

app.MapDefaultEndpoints();
if (serveApi)
{
    app.MapMonitoringApi();
}
else
{
    // The silo alone: /metrics is as open as /health, so its port belongs on the operators' network only.
    app.MapMetricsEndpoint();
}

app.Run();
