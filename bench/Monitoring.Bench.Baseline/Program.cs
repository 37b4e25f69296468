using Monitoring.Bench.Baseline.Ingest;

var builder = WebApplication.CreateSlimBuilder(args);

builder.AddBaselineIngest();
builder.Services.AddHealthChecks();

var app = builder.Build();

app.MapBaselineIngestApi();
app.MapHealthChecks("/health");

app.Run();
