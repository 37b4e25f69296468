using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Monitoring.EndToEnd.Tests.AppHost;

/// <summary>
/// Keeps the console output of the app host's resources, which Aspire.Hosting.Testing forwards to loggers named
/// "…Resources.{resource}", and the app host's own warnings, for a test's failure message.
/// </summary>
internal sealed class ResourceLogs : ILoggerProvider
{
    private const string ResourceCategoryMarker = ".Resources.";
    private const string AppHostBucket = "app host warnings";

    private readonly ConcurrentDictionary<string, RecentLines> _buckets = new(StringComparer.Ordinal);

    public ILogger CreateLogger(string categoryName)
    {
        var marker = categoryName.IndexOf(ResourceCategoryMarker, StringComparison.Ordinal);
        return marker >= 0
            ? new BucketLogger(Bucket(categoryName[(marker + ResourceCategoryMarker.Length)..]), LogLevel.Trace)
            : new BucketLogger(Bucket(AppHostBucket), LogLevel.Warning, categoryName);
    }

    public string Describe() => string.Concat(_buckets.OrderBy(bucket => bucket.Key, StringComparer.Ordinal).Select(bucket => bucket.Value.ToString()));

    public void Dispose()
    {
    }

    private RecentLines Bucket(string name) => _buckets.GetOrAdd(name, key => new RecentLines(key));

    private sealed class BucketLogger(RecentLines lines, LogLevel minimum, string? category = null) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= minimum;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                lines.Add(category is null ? formatter(state, exception) : $"{logLevel} {category}: {formatter(state, exception)} {exception}");
            }
        }
    }
}
