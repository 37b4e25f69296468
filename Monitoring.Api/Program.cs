using Monitoring.Api;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddMonitoringApi();
builder.AddClusterClient();

var app = builder.Build();

app.MapDefaultEndpoints();
app.MapMonitoringApi();

app.Run();
