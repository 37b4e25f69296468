using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.DependencyInjection.Extensions;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Monitoring.Agent.Telemetry;

internal static class TelemetryExtensions
{
    private const string OpenTelemetrySwitch = "Monitoring.Agent.OpenTelemetry";

    /// <summary>False in a published agent (unless published with <c>-p:AgentOpenTelemetry=true</c>): its binary leaves the OpenTelemetry SDK and exporters out.</summary>
    [FeatureSwitchDefinition(OpenTelemetrySwitch)]
    private static bool IsOpenTelemetrySupported => !AppContext.TryGetSwitch(OpenTelemetrySwitch, out var supported) || supported;

    /// <summary>Registers the agent's meter and, only when an OTLP endpoint is configured, the OpenTelemetry exporters.</summary>
    public static IHostApplicationBuilder AddAgentTelemetry(this IHostApplicationBuilder builder)
    {
        builder.Services.TryAddSingleton<AgentTelemetry>();
        if (string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            return builder;
        }

        if (!IsOpenTelemetrySupported)
        {
            Console.Error.WriteLine("OTEL_EXPORTER_OTLP_ENDPOINT is set, but this agent was published without OpenTelemetry (publish with -p:AgentOpenTelemetry=true to export): nothing is exported.");
            return builder;
        }

        var serviceName = builder.Configuration["OTEL_SERVICE_NAME"] is { Length: > 0 } name ? name : "agent";
        builder.Logging.AddOpenTelemetry(logging =>
        {
            logging.IncludeFormattedMessage = true;
            logging.IncludeScopes = true;
        });
        builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(serviceName))
            .WithTracing(tracing => tracing
                .AddSource(AgentTelemetry.Name)
                .AddHttpClientInstrumentation())
            .WithMetrics(metrics => metrics
                .AddMeter(AgentTelemetry.Name)
                .AddHttpClientInstrumentation())
            .UseOtlpExporter();
        return builder;
    }
}
