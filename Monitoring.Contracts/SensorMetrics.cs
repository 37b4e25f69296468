using System.Text.Json.Serialization;

namespace Monitoring.Contracts;

/// <summary>Hardware sensors the kernel exposes: hwmon temperatures and fans, CPU frequency and thermal throttling.</summary>
public sealed record SensorMetrics
{
    [JsonPropertyName("temperatures")]
    public IReadOnlyList<TemperatureMetrics>? Temperatures { get; init; }

    [JsonPropertyName("fans")]
    public IReadOnlyList<FanMetrics>? Fans { get; init; }

    /// <summary>Mean current frequency of the CPUs that report one, in MHz.</summary>
    [JsonPropertyName("cpu_frequency_mhz")]
    public double? CpuFrequencyMhz { get; init; }

    /// <summary>Core throttling events since the previous sample, summed over the CPUs.</summary>
    [JsonPropertyName("cpu_throttle_count")]
    public long? CpuThrottleCount { get; init; }

    /// <summary>Package throttling events since the previous sample, summed over the physical packages.</summary>
    [JsonPropertyName("package_throttle_count")]
    public long? PackageThrottleCount { get; init; }
}

/// <summary>One temperature input, named <c>chip/label</c> as the kernel labels it.</summary>
public sealed record TemperatureMetrics
{
    [JsonPropertyName("name")]
    public string? Name { get; init; }

    [JsonPropertyName("celsius")]
    public double? Celsius { get; init; }

    /// <summary>The chip's high limit for this input, where it has one.</summary>
    [JsonPropertyName("high_celsius")]
    public double? HighCelsius { get; init; }

    /// <summary>The chip's critical limit for this input, where it has one.</summary>
    [JsonPropertyName("critical_celsius")]
    public double? CriticalCelsius { get; init; }
}

/// <summary>One fan input, named <c>chip/label</c> as the kernel labels it.</summary>
public sealed record FanMetrics
{
    [JsonPropertyName("name")]
    public string? Name { get; init; }

    [JsonPropertyName("rpm")]
    public double? Rpm { get; init; }
}
