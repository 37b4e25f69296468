using System.Text.Json;
using Microsoft.Extensions.Options;
using Monitoring.Contracts;

namespace Monitoring.Api.Ingest;

/// <summary>
/// The body of <c>POST /api/v1/metrics/batch</c>, counted before it is parsed: a batch of more than
/// <see cref="MetricsApi.MaxBatchSamples"/> samples costs one pass of the JSON reader, not a thousand objects and more.
/// Errors are the framework's: 415 without a JSON content type, 413 over the body limit, 400 naming the JSON problem.
/// </summary>
public sealed class SampleBatch
{
    private SampleBatch(MetricsReport[]? samples) => Samples = samples;

    /// <summary>The samples, or null when the batch holds more than the limit (it was not parsed).</summary>
    public MetricsReport[]? Samples { get; }

    public static async ValueTask<SampleBatch?> BindAsync(HttpContext context)
    {
        if (!context.Request.HasJsonContentType())
        {
            throw new BadHttpRequestException("Expected a JSON body (Content-Type: application/json).", StatusCodes.Status415UnsupportedMediaType);
        }

        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body, context.RequestAborted);
        var json = body.GetBuffer().AsMemory(0, (int)body.Length);
        try
        {
            if (CountAbove(json.Span, MetricsApi.MaxBatchSamples))
            {
                return new SampleBatch(null);
            }

            var options = context.RequestServices.GetRequiredService<IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions>>().Value.SerializerOptions;
            var samples = JsonSerializer.Deserialize<MetricsReport[]>(json.Span, options)
                ?? throw new JsonException("A batch must be a list of samples.", "$", null, null);
            return new SampleBatch(samples);
        }
        catch (JsonException ex)
        {
            throw new BadHttpRequestException("The request body is not valid JSON for this endpoint.", StatusCodes.Status400BadRequest, ex);
        }
    }

    /// <summary>True when <paramref name="json"/> is a list of more than <paramref name="limit"/> values; anything else is left to the parser.</summary>
    private static bool CountAbove(ReadOnlySpan<byte> json, int limit)
    {
        var reader = new Utf8JsonReader(json);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartArray)
        {
            return false;
        }

        for (var count = 0; reader.Read() && reader.TokenType != JsonTokenType.EndArray; count++)
        {
            if (count == limit)
            {
                return true;
            }

            reader.Skip();
        }

        return false;
    }
}
