namespace Monitoring.Agent;

internal static partial class Log
{
    [LoggerMessage(EventId = 201, Level = LogLevel.Warning, Message = "{Part} failed ({Reason}); the samples leave it out until it works again, and this is logged again only if the reason changes")]
    public static partial void PartFailing(ILogger logger, string part, string reason);

    [LoggerMessage(EventId = 202, Level = LogLevel.Information, Message = "{Part} works again")]
    public static partial void PartWorksAgain(ILogger logger, string part);

    [LoggerMessage(EventId = 203, Level = LogLevel.Information, Message = "{Command} is not installed (smartmontools); disks' S.M.A.R.T. is not collected. Set SMART_ENABLED=false to say so on purpose")]
    public static partial void SmartctlMissing(ILogger logger, string command);
}
