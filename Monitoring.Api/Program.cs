using Monitoring.Api;
using Monitoring.Api.Agents;
using Monitoring.Api.Alerts;
using Monitoring.Api.Dashboard;
using Monitoring.Api.Ingest;
using Monitoring.Api.Storage;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddMonitoringApi();
builder.AddDashboard();

var app = builder.Build();
app.WarnWhenOpen();

app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseCrossSiteRequestGuard();
app.UseDashboard();
app.UseAuthentication();
app.UseAuthorization();

app.MapOpenApi().RequireAuthorization(AccessControl.Read);
app.MapDefaultEndpoints();
app.MapMetricsApi();
app.MapAgentsApi();
app.MapAlertRulesApi();
app.MapAlertsApi();
app.MapStorageApi();

app.Run();
