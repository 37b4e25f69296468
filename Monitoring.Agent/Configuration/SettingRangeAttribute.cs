using System.ComponentModel.DataAnnotations;

namespace Monitoring.Agent.Configuration;

/// <summary>A number in [<see cref="Minimum"/>, <see cref="Maximum"/>], or (<see cref="Minimum"/>, <see cref="Maximum"/>] when the minimum is exclusive.</summary>
/// <remarks>The options generator's copy of <see cref="RangeAttribute"/> replaces a custom message with its own, which names the property rather than the setting.</remarks>
[AttributeUsage(AttributeTargets.Property)]
public sealed class SettingRangeAttribute(double minimum, double maximum) : ValidationAttribute
{
    public double Minimum { get; } = minimum;

    public double Maximum { get; } = maximum;

    public bool MinimumIsExclusive { get; set; }

    public override bool IsValid(object? value) => value switch
    {
        int number => IsInRange(number),
        long number => IsInRange(number),
        double number => IsInRange(number),
        _ => false,
    };

    private bool IsInRange(double number) =>
        (MinimumIsExclusive ? number > Minimum : number >= Minimum) && number <= Maximum;
}
