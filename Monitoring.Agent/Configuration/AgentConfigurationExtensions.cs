using Microsoft.Extensions.Options;

namespace Monitoring.Agent.Configuration;

internal static class AgentConfigurationExtensions
{
    /// <summary>Adds the <c>.env</c> files and the agent's environment variables on top of appsettings.json.</summary>
    public static IHostApplicationBuilder AddAgentConfiguration(this IHostApplicationBuilder builder)
    {
        var dotEnvFiles = AgentSettingsSource.DotEnvFiles(AppContext.BaseDirectory, Directory.GetCurrentDirectory());
        builder.Configuration.AddInMemoryCollection(AgentSettingsSource.Build(dotEnvFiles, Environment.GetEnvironmentVariable));
        builder.Services.AddAgentOptions(builder.Configuration);
        return builder;
    }

    public static IServiceCollection AddAgentOptions(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<IValidateOptions<AgentOptions>, AgentOptionsValidator>();
        services.AddOptions<AgentOptions>()
            .Bind(configuration.GetSection(AgentOptions.SectionName))
            .PostConfigure(options =>
            {
                // appsettings.json may list the targets ("NETWORK_CHECKS": ["tcp://db:5432", ...]); a plain value set anywhere wins.
                var checks = configuration.GetSection(AgentOptions.SectionName).GetSection(AgentOptions.NetworkChecksKey);
                if (checks.Value is null && checks.GetChildren().Select(entry => entry.Value).OfType<string>().ToList() is { Count: > 0 } list)
                {
                    options.NetworkChecks = string.Join(',', list);
                }

                if (string.IsNullOrWhiteSpace(options.AgentId))
                {
                    options.AgentId = Environment.MachineName;
                }

                if (string.IsNullOrWhiteSpace(options.AgentName))
                {
                    options.AgentName = options.AgentId;
                }

                if (string.IsNullOrWhiteSpace(options.SpoolDirectory)
                    && Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData) is { Length: > 0 } localData)
                {
                    options.SpoolDirectory = Path.Combine(localData, "monitoring", "agent", "spool");
                }
            })
            .ValidateOnStart();
        return services;
    }

    /// <summary>Binds and validates the agent's settings once, so a bad one stops the agent before anything starts; null when all are valid.</summary>
    public static string? FindConfigurationError(IServiceProvider services)
    {
        try
        {
            _ = services.GetRequiredService<IOptions<AgentOptions>>().Value;
            return null;
        }
        catch (OptionsValidationException invalid)
        {
            return string.Join(Environment.NewLine, invalid.Failures);
        }
        catch (InvalidOperationException unreadable) when (unreadable.InnerException is FormatException or OverflowException)
        {
            return unreadable.Message;
        }
    }
}
