using System.Net;

namespace Monitoring.Agent;

internal static partial class Log
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Warning, Message = "Could not read {Part} from {Path}; the sample leaves it out")]
    public static partial void CollectorFailed(ILogger logger, string part, string path, Exception exception);

    [LoggerMessage(EventId = 2, Level = LogLevel.Debug, Message = "Collected a sample at {Timestamp:O}; {Queued} samples wait to be sent")]
    public static partial void SampleCollected(ILogger logger, DateTimeOffset? timestamp, int queued);

    [LoggerMessage(EventId = 3, Level = LogLevel.Warning, Message = "Spool is over SPOOL_MAX_BYTES ({MaxBytes} bytes): dropped the {Count} oldest unsent samples, taken from {Oldest} to {Newest}")]
    public static partial void SpoolFull(ILogger logger, long count, long maxBytes, DateTimeOffset? oldest, DateTimeOffset? newest);

    [LoggerMessage(EventId = 4, Level = LogLevel.Debug, Message = "Server accepted the sample taken at {Timestamp}")]
    public static partial void SampleSent(ILogger logger, DateTimeOffset? timestamp);

    [LoggerMessage(EventId = 5, Level = LogLevel.Error, Message = "Server rejected the sample taken at {Timestamp:O} with {StatusCode}; it will never be accepted and is moved aside to the spool's rejected folder: {Problem}")]
    public static partial void SampleRejected(ILogger logger, DateTimeOffset? timestamp, HttpStatusCode statusCode, string problem);

    [LoggerMessage(EventId = 6, Level = LogLevel.Warning, Message = "Sending failed ({Failure}); retry {Attempt} in {Delay}")]
    public static partial void SendRetrying(ILogger logger, string failure, int attempt, TimeSpan delay);

    [LoggerMessage(EventId = 7, Level = LogLevel.Error, Message = "Sending failed unexpectedly; the sample stays queued and sending pauses for {Pause}")]
    public static partial void SendFailed(ILogger logger, TimeSpan pause, Exception exception);

    [LoggerMessage(EventId = 8, Level = LogLevel.Information, Message = "Stopping with {Count} unsent samples; they stay in the spool and are sent after the next start")]
    public static partial void UnsentSamplesSpooled(ILogger logger, int count);

    [LoggerMessage(EventId = 9, Level = LogLevel.Information, Message = "Agent {AgentId} ({AgentName}) reports to {Endpoint} every {Interval}")]
    public static partial void AgentStarting(ILogger logger, string agentId, string agentName, Uri endpoint, TimeSpan interval);

    [LoggerMessage(EventId = 10, Level = LogLevel.Warning, Message = "Spool samples older than SPOOL_MAX_AGE ({MaxAge}): dropped {Count} unsent samples, taken from {Oldest} to {Newest}")]
    public static partial void SpoolExpired(ILogger logger, long count, TimeSpan maxAge, DateTimeOffset? oldest, DateTimeOffset? newest);

    [LoggerMessage(EventId = 11, Level = LogLevel.Information, Message = "Spool in {Directory} holds {Count} unsent samples from before the restart; they are sent oldest first")]
    public static partial void SpoolRecovered(ILogger logger, int count, string directory);

    [LoggerMessage(EventId = 12, Level = LogLevel.Warning, Message = "Spool segment {Path} has {Problem} at offset {Offset}; it is skipped and the rest of the spool is kept")]
    public static partial void SpoolRecordSkipped(ILogger logger, string path, long offset, string problem);

    [LoggerMessage(EventId = 13, Level = LogLevel.Error, Message = "The spool in {Directory} refuses writes ({Reason}); new samples are kept in memory, up to {MemoryBytes} bytes (SPOOL_MEMORY_BYTES), until it accepts them again")]
    public static partial void SpoolRefusesWrites(ILogger logger, string directory, string reason, long memoryBytes);

    [LoggerMessage(EventId = 14, Level = LogLevel.Debug, Message = "The spool's write failed")]
    public static partial void SpoolRefusal(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 15, Level = LogLevel.Debug, Message = "Network check of {Target} failed: {Reason}")]
    public static partial void NetworkCheckFailed(ILogger logger, string target, string reason);

    [LoggerMessage(EventId = 16, Level = LogLevel.Debug, Message = "ICMP to {Host} is not permitted ({Reason}); reaching it by TCP port {Port} instead")]
    public static partial void IcmpNotPermitted(ILogger logger, string host, int port, string reason);

    [LoggerMessage(EventId = 17, Level = LogLevel.Information, Message = "The spool in {Directory} accepts writes again; the {Count} samples kept in memory are written to it")]
    public static partial void SpoolWritable(ILogger logger, string directory, int count);

    [LoggerMessage(EventId = 18, Level = LogLevel.Warning, Message = "The spool directory {Directory} or its lock file was missing and is created again; unsent samples deleted with it are reported as dropped")]
    public static partial void SpoolDirectoryRecreated(ILogger logger, string directory);

    [LoggerMessage(EventId = 19, Level = LogLevel.Error, Message = "Samples kept in memory reached SPOOL_MEMORY_BYTES ({MemoryBytes} bytes) while the spool in {Directory} refuses writes: the oldest are dropped and counted")]
    public static partial void SpoolMemoryFull(ILogger logger, long memoryBytes, string directory);

    [LoggerMessage(EventId = 20, Level = LogLevel.Error, Message = "Stopping while the spool in {Directory} refuses writes: {Count} samples kept in memory are lost")]
    public static partial void KeptSamplesLost(ILogger logger, int count, string directory);
}
