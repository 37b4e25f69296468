using System.ComponentModel.DataAnnotations;

namespace Monitoring.Silo.Storage;

/// <summary>Settings of section <c>Retention</c>: how long stored rows are kept. Zero keeps them forever.</summary>
public sealed class RetentionOptions
{
    public const string SectionName = "Retention";

    /// <summary>Raw samples whose own timestamp is older than this leave the history (a whole block at a time).</summary>
    [Range(typeof(TimeSpan), "00:00:00", "3650.00:00:00")]
    public TimeSpan History { get; set; } = TimeSpan.FromDays(30);

    /// <summary>The 5-minute rollup tier, a whole UTC day at a time.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "3650.00:00:00")]
    public TimeSpan FiveMinute { get; set; } = TimeSpan.FromDays(400);

    /// <summary>The 1-hour rollup tier, a whole UTC day at a time.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "3650.00:00:00")]
    public TimeSpan Hourly { get; set; } = TimeSpan.FromDays(1826);

    /// <summary>Alert transitions, notification attempts, resolved alerts and deliveries that gave up, once older than this.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "3650.00:00:00")]
    public TimeSpan Alerts { get; set; } = TimeSpan.FromDays(90);

    /// <summary>How often each silo deletes what is past retention; the first sweep runs as the silo starts.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromHours(1);
}
