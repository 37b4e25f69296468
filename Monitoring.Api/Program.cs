using Monitoring.Api;
using Monitoring.Api.Agents;
using Monitoring.Api.Alerts;
using Monitoring.Api.Ingest;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddMonitoringApi();

var app = builder.Build();

app.UseExceptionHandler();
app.UseStatusCodePages();

app.MapOpenApi();
app.MapDefaultEndpoints();
app.MapMetricsApi();
app.MapAgentsApi();
app.MapAlertRulesApi();
app.MapAlertsApi();

app.Run();
