using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace Monitoring.Api.Errors;

/// <summary>
/// Turns every exception into an RFC 7807 answer: a request the framework could not read (malformed JSON, a value of the
/// wrong type, wrong content type, too large a body) is the client's 4xx naming the field; anything else means the cluster
/// or the store could not take the request now, which the client may retry: 503, never a bare 500.
/// </summary>
public sealed partial class ProblemExceptionHandler(IProblemDetailsService problems, ILogger<ProblemExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        ProblemDetails problem;
        if (exception is BadHttpRequestException bad)
        {
            problem = bad.InnerException is JsonException json
                ? new HttpValidationProblemDetails(new Dictionary<string, string[]>
                {
                    [FieldName(json.Path)] = [json.Message.Split(" Path:", 2)[0]],
                })
                {
                    Title = "The request body is not valid JSON for this endpoint.",
                }
                : new ProblemDetails { Title = bad.Message };
            problem.Status = bad.StatusCode;
        }
        else
        {
            LogUnavailable(logger, exception.GetType().Name, exception.Message);
            LogUnavailableDetail(logger, exception);
            problem = new ProblemDetails
            {
                Status = StatusCodes.Status503ServiceUnavailable,
                Title = "The monitoring cluster could not take the request now; nothing was stored. Retry later.",
            };
        }

        context.Response.StatusCode = problem.Status.Value;
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = problem, Exception = exception });
    }

    /// <summary>"$.system.cpu_percent" becomes "system.cpu_percent"; the root is "body".</summary>
    private static string FieldName(string? path) =>
        string.IsNullOrEmpty(path) || path == "$" ? "body" : path.TrimStart('$').TrimStart('.');

    /// <summary>One line per 503: during an outage every request fails the same way, and stack traces would bury the log.</summary>
    [LoggerMessage(1, LogLevel.Error, "A request failed inside the cluster ({ExceptionType}: {Reason}); answered 503")]
    private static partial void LogUnavailable(ILogger logger, string exceptionType, string reason);

    [LoggerMessage(2, LogLevel.Debug, "The failure behind the last 503")]
    private static partial void LogUnavailableDetail(ILogger logger, Exception exception);
}
