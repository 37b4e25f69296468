using Microsoft.Extensions.Options;

namespace Monitoring.Silo.Alerts;

public static class AlertingExtensions
{
    /// <summary>Alerting: the rule set and each silo's cache of it, the alert-history writer and the start-up liveness sweep.</summary>
    public static ISiloBuilder AddAlerting(this ISiloBuilder silo, IConfiguration configuration)
    {
        silo.Services.AddOptions<AlertingOptions>()
            .Bind(configuration.GetSection(AlertingOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        silo.Services.AddSingleton<IValidateOptions<AlertingOptions>, RulesFileValidator>();
        silo.Services.AddSingleton<AlertRuleCache>();
        silo.Services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(services => services.GetRequiredService<AlertRuleCache>());
        silo.Services.AddSingleton<AlertReader>();
        silo.Services.AddSingleton<AlertHistoryWriter>();
        silo.Services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(services => services.GetRequiredService<AlertHistoryWriter>());
        silo.Services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>, LivenessSweeper>();
        return silo;
    }

    /// <summary>A rules file that is missing or invalid stops the silo at start, naming the setting and the bad field.</summary>
    private sealed class RulesFileValidator : IValidateOptions<AlertingOptions>
    {
        public ValidateOptionsResult Validate(string? name, AlertingOptions options)
        {
            if (string.IsNullOrEmpty(options.RulesFile))
            {
                return ValidateOptionsResult.Success;
            }

            try
            {
                RulesFile.Load(options.RulesFile);
                return ValidateOptionsResult.Success;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
            {
                return ValidateOptionsResult.Fail($"Alerting:RulesFile '{options.RulesFile}': {e.Message}");
            }
        }
    }
}
