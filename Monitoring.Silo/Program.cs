using Monitoring.Silo;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddMonitoringSilo();

var app = builder.Build();

app.MapDefaultEndpoints();

app.Run();
