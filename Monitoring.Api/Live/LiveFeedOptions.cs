using System.ComponentModel.DataAnnotations;

namespace Monitoring.Api.Live;

/// <summary>Settings of the dashboard's live feed (<c>GET /api/v1/live</c>), section <c>LiveFeed</c>.</summary>
public sealed class LiveFeedOptions
{
    public const string SectionName = "LiveFeed";

    /// <summary>Seconds between keep-alive comments on an idle stream, so proxies and the browser see it is alive.</summary>
    [Range(1, 300)]
    public int KeepAliveSeconds { get; set; } = 15;

    /// <summary>Events queued per subscriber; a client slower than the fleet loses the oldest ones first.</summary>
    [Range(16, 1_000_000)]
    public int SubscriberBuffer { get; set; } = 4096;

    /// <summary>Milliseconds the browser waits before it reconnects after the stream broke.</summary>
    [Range(100, 60_000)]
    public int ReconnectMilliseconds { get; set; } = 1000;
}
