using System.Net;

namespace Monitoring.Agent;

internal static partial class Log
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Warning, Message = "Could not read {Part} from {Path}; the sample leaves it out")]
    public static partial void CollectorFailed(ILogger logger, string part, string path, Exception exception);

    [LoggerMessage(EventId = 2, Level = LogLevel.Debug, Message = "Collected a sample at {Timestamp}; {Queued} samples wait to be sent")]
    public static partial void SampleCollected(ILogger logger, DateTimeOffset? timestamp, int queued);

    [LoggerMessage(EventId = 3, Level = LogLevel.Warning, Message = "Sample queue is full ({Capacity} samples): dropped the oldest sample, taken at {Timestamp}")]
    public static partial void SampleDropped(ILogger logger, int capacity, DateTimeOffset? timestamp);

    [LoggerMessage(EventId = 4, Level = LogLevel.Debug, Message = "Server accepted the sample taken at {Timestamp}")]
    public static partial void SampleSent(ILogger logger, DateTimeOffset? timestamp);

    [LoggerMessage(EventId = 5, Level = LogLevel.Error, Message = "Server rejected the sample taken at {Timestamp} with {StatusCode}; it will never be accepted and is dropped: {Problem}")]
    public static partial void SampleRejected(ILogger logger, DateTimeOffset? timestamp, HttpStatusCode statusCode, string problem);

    [LoggerMessage(EventId = 6, Level = LogLevel.Warning, Message = "Sending failed ({Failure}); retry {Attempt} in {Delay}")]
    public static partial void SendRetrying(ILogger logger, string failure, int attempt, TimeSpan delay);

    [LoggerMessage(EventId = 7, Level = LogLevel.Error, Message = "Sending failed unexpectedly; the sample stays queued and sending pauses for {Pause}")]
    public static partial void SendFailed(ILogger logger, TimeSpan pause, Exception exception);

    [LoggerMessage(EventId = 8, Level = LogLevel.Warning, Message = "Stopping with {Count} unsent samples; the in-memory queue does not survive a restart")]
    public static partial void UnsentSamplesLost(ILogger logger, int count);

    [LoggerMessage(EventId = 9, Level = LogLevel.Information, Message = "Agent {AgentId} ({AgentName}) reports to {Endpoint} every {Interval}")]
    public static partial void AgentStarting(ILogger logger, string agentId, string agentName, Uri endpoint, TimeSpan interval);
}
