using Microsoft.Extensions.Options;

namespace Monitoring.Silo.Alerts;

public static class AlertingExtensions
{
    /// <summary>Alerting: the rule set, each silo's cache of it, and the writer of alert transitions.</summary>
    public static ISiloBuilder AddAlerting(this ISiloBuilder silo, IConfiguration configuration)
    {
        silo.Services.AddValidatedOptions<AlertingOptions>(configuration.GetSection(AlertingOptions.SectionName));
        silo.Services.AddSingleton<IValidateOptions<AlertingOptions>, RulesFileValidator>();
        silo.Services.AddSingleton<AlertRuleCache>();
        silo.Services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(services => services.GetRequiredService<AlertRuleCache>());
        silo.Services.AddSingleton<AlertHistoryWriter>();
        silo.Services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(services => services.GetRequiredService<AlertHistoryWriter>());
        return silo;
    }

    /// <summary>A rules file that is missing or invalid stops the silo at start naming the setting.</summary>
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
