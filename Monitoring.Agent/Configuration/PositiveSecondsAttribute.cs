using System.ComponentModel.DataAnnotations;

namespace Monitoring.Agent.Configuration;

/// <summary>A number of seconds greater than zero and at most <see cref="Maximum"/>.</summary>
/// <remarks>The options generator's copy of <see cref="RangeAttribute"/> drops a custom message once a bound is exclusive, so this says it plainly.</remarks>
[AttributeUsage(AttributeTargets.Property)]
public sealed class PositiveSecondsAttribute(double maximum) : ValidationAttribute
{
    public double Maximum { get; } = maximum;

    public override bool IsValid(object? value) => value is double seconds && seconds > 0 && seconds <= Maximum;
}
