using System.Reflection;
using Microsoft.AspNetCore.Http.Metadata;

namespace Monitoring.Api.Ingest;

/// <summary>
/// A <c>200</c> whose body is JSON already serialized (by the silo, as <see cref="Monitoring.Abstractions.HistoryJson"/>
/// writes it); OpenAPI describes it as <typeparamref name="T"/>.
/// </summary>
public sealed class JsonBytes<T>(byte[] body) : IResult, IEndpointMetadataProvider, IStatusCodeHttpResult
{
    public int? StatusCode => StatusCodes.Status200OK;

    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) =>
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status200OK, typeof(T), ["application/json"]));

    public Task ExecuteAsync(HttpContext httpContext)
    {
        httpContext.Response.StatusCode = StatusCodes.Status200OK;
        httpContext.Response.ContentType = "application/json; charset=utf-8";
        httpContext.Response.ContentLength = body.Length;
        return httpContext.Response.Body.WriteAsync(body, httpContext.RequestAborted).AsTask();
    }
}
