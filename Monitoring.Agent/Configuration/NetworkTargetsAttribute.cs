using System.ComponentModel.DataAnnotations;
using Monitoring.Agent.Checks;

namespace Monitoring.Agent.Configuration;

/// <summary>A comma-separated list of <see cref="NetworkTarget"/> entries; the message names the first bad entry.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class NetworkTargetsAttribute(string settingName) : ValidationAttribute
{
    public string SettingName { get; } = settingName;

    protected override ValidationResult? IsValid(object? value, ValidationContext validationContext)
    {
        var setting = value as string;
        var targets = NetworkTarget.ParseList(setting, out var badEntry);
        if (badEntry is not null)
        {
            return Fail($"{SettingName} entry '{badEntry}' is not icmp://host[:tcp-fallback-port], tcp://host:port or an http:// or https:// URL.", validationContext);
        }

        return targets.Count > NetworkTarget.MaxCount
            ? Fail($"{SettingName} may name at most {NetworkTarget.MaxCount} targets.", validationContext)
            : ValidationResult.Success;
    }

    private static ValidationResult Fail(string message, ValidationContext validationContext) =>
        new(message, validationContext.MemberName is { } member ? [member] : null);
}
