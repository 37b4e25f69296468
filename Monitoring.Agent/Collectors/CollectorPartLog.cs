namespace Monitoring.Agent;

internal static partial class Log
{
    [LoggerMessage(EventId = 201, Level = LogLevel.Warning, Message = "Reading {Part} took longer than {TimeLimit} ({Setting}); samples leave it out until a read finishes in time")]
    public static partial void PartTooSlow(ILogger logger, string part, TimeSpan timeLimit, string setting);

    [LoggerMessage(EventId = 202, Level = LogLevel.Warning, Message = "Could not read {Part} ({Reason}); samples leave it out until it can be read again")]
    public static partial void PartUnreadable(ILogger logger, string part, string reason);

    [LoggerMessage(EventId = 203, Level = LogLevel.Debug, Message = "Reading {Part} failed")]
    public static partial void PartFailure(ILogger logger, string part, Exception exception);

    [LoggerMessage(EventId = 204, Level = LogLevel.Information, Message = "{Part} can be read again and is back in the samples")]
    public static partial void PartReadable(ILogger logger, string part);

    [LoggerMessage(EventId = 205, Level = LogLevel.Warning, Message = "Sensor input {Path} could not be read ({Reason}); samples leave it out")]
    public static partial void SensorInputUnreadable(ILogger logger, string path, string reason);
}
