using System.ComponentModel.DataAnnotations;
using Monitoring.Agent.Systemd;
using Monitoring.Contracts;

namespace Monitoring.Agent.Configuration;

/// <summary>A comma-separated list of systemd unit names; the message names the first bad entry.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class UnitNamesAttribute(string settingName) : ValidationAttribute
{
    public string SettingName { get; } = settingName;

    protected override ValidationResult? IsValid(object? value, ValidationContext validationContext)
    {
        var units = UnitNames.ParseList(value as string, out var badEntry);
        if (badEntry is not null)
        {
            return Fail($"{SettingName} entry '{badEntry}' is not a systemd unit name (letters, digits and ':', '_', '.', '\\', '@', '-', at most {SampleLimits.MaxUnitNameLength} characters).", validationContext);
        }

        return units.Count > SampleLimits.MaxServices
            ? Fail($"{SettingName} may name at most {SampleLimits.MaxServices} units.", validationContext)
            : ValidationResult.Success;
    }

    private static ValidationResult Fail(string message, ValidationContext validationContext) =>
        new(message, validationContext.MemberName is { } member ? [member] : null);
}
