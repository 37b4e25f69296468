using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Monitoring.Api.Errors;

namespace Monitoring.Tests.Http;

/// <summary>What a 503 leaves in the log: one line naming the failure; the stack trace only at Debug.</summary>
public sealed class ProblemExceptionHandlerTests
{
    [Fact]
    public async Task A_503_logs_one_line_without_its_stack_trace_which_only_debug_carries()
    {
        await using var services = new ServiceCollection().AddLogging().AddProblemDetails().BuildServiceProvider();
        var logger = new FakeLogger<ProblemExceptionHandler>();
        var handler = new ProblemExceptionHandler(services.GetRequiredService<IProblemDetailsService>(), logger);
        var context = new DefaultHttpContext { RequestServices = services };
        context.Response.Body = new MemoryStream();
        var failure = Thrown(new InvalidOperationException("the silo is gone"));

        Assert.True(await handler.TryHandleAsync(context, failure, TestContext.Current.CancellationToken));

        Assert.Equal(StatusCodes.Status503ServiceUnavailable, context.Response.StatusCode);
        var records = logger.Collector.GetSnapshot();
        var line = Assert.Single(records, record => record.Level > LogLevel.Debug);
        Assert.Null(line.Exception);
        Assert.Contains("InvalidOperationException: the silo is gone", line.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(" at ", line.Message, StringComparison.Ordinal);
        Assert.Same(failure, Assert.Single(records, record => record.Level == LogLevel.Debug).Exception);
    }

    private static Exception Thrown(Exception exception)
    {
        try
        {
            throw exception;
        }
        catch (InvalidOperationException thrown)
        {
            return thrown;
        }
    }
}
