namespace Monitoring.Agent;

internal static partial class Log
{
    [LoggerMessage(EventId = 101, Level = LogLevel.Warning, Message = "Server rejected a backfill batch of {Count} samples with {StatusCode}; they are sent one by one to find the bad ones: {Problem}")]
    public static partial void BatchRejected(ILogger logger, int count, int statusCode, string problem);

    [LoggerMessage(EventId = 102, Level = LogLevel.Information, Message = "Server answers again; backfill of {Count} spooled samples starts in {Delay}")]
    public static partial void BackfillScheduled(ILogger logger, int count, TimeSpan delay);

    [LoggerMessage(EventId = 103, Level = LogLevel.Debug, Message = "Server accepted a backfill batch of {Count} samples taken from {Oldest:O} to {Newest:O}")]
    public static partial void BatchSent(ILogger logger, int count, DateTimeOffset? oldest, DateTimeOffset? newest);

    [LoggerMessage(EventId = 104, Level = LogLevel.Information, Message = "Reported {Count} dropped samples, taken from {Oldest:O} to {Newest:O}, to the server")]
    public static partial void DropsReported(ILogger logger, long count, DateTimeOffset? oldest, DateTimeOffset? newest);

    [LoggerMessage(EventId = 106, Level = LogLevel.Error, Message = "Could not move the rejected sample taken at {Timestamp:O} aside to {Path}; it is only in this log")]
    public static partial void RejectedUnsaved(ILogger logger, string path, DateTimeOffset? timestamp, Exception exception);

    [LoggerMessage(EventId = 107, Level = LogLevel.Error, Message = "Server refused the agent's credentials with HTTP {StatusCode} (credential: {Credential}, AGENT_ID {AgentId}); the samples stay in the spool, retry {Attempt} in {Delay}")]
    public static partial void CredentialsRefused(ILogger logger, int statusCode, string credential, string agentId, int attempt, TimeSpan delay);

    [LoggerMessage(EventId = 108, Level = LogLevel.Information, Message = "Reporting with the agent key stored in {Path}")]
    public static partial void KeyLoaded(ILogger logger, string path);

    [LoggerMessage(EventId = 109, Level = LogLevel.Information, Message = "Enrolled agent {AgentId} with ENROLLMENT_TOKEN: key {Prefix} stored in {Path}; it is used from now on")]
    public static partial void Enrolled(ILogger logger, string agentId, string prefix, string path);

    [LoggerMessage(EventId = 110, Level = LogLevel.Error, Message = "Server refused ENROLLMENT_TOKEN with HTTP {StatusCode}: {Problem}; reporting without a key of its own (AGENT_TOKEN if set)")]
    public static partial void EnrollmentRefused(ILogger logger, int statusCode, string problem);

    [LoggerMessage(EventId = 111, Level = LogLevel.Warning, Message = "Enrollment failed ({Failure}); samples wait in the spool, retry {Attempt} in {Delay}")]
    public static partial void EnrollmentFailed(ILogger logger, string failure, int attempt, TimeSpan delay);

    [LoggerMessage(EventId = 112, Level = LogLevel.Error, Message = "Could not store the agent key in {Path}; it serves until the agent stops, and the next start needs a new enrollment")]
    public static partial void KeyNotStored(ILogger logger, string path, Exception exception);
}
