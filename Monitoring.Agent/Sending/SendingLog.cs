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

    [LoggerMessage(EventId = 107, Level = LogLevel.Error, Message = "Server refused the agent's credentials with HTTP {StatusCode} (AGENT_TOKEN set: {TokenSet}, AGENT_ID {AgentId}); the samples stay in the spool, retry {Attempt} in {Delay}")]
    public static partial void CredentialsRefused(ILogger logger, int statusCode, bool tokenSet, string agentId, int attempt, TimeSpan delay);
}
