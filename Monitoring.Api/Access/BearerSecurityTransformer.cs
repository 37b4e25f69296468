using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Monitoring.Api.Access;

/// <summary>
/// Declares the bearer security scheme in the OpenAPI document, and on every operation that needs a token (ingest: an
/// agent token; everything else but health: an access token) the requirement and the 401/403 answers.
/// </summary>
public sealed class BearerSecurityTransformer : IOpenApiDocumentTransformer, IOpenApiOperationTransformer
{
    public const string SchemeName = "bearer";

    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes[SchemeName] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            Description = "Ingest: an agent token (AgentAuth:Tokens) or an agent's own key (POST /api/v1/enroll). Everything else: an access token (AccessTokens) with role read, or admin for rules, silences, acknowledgements and key management. Not required while none of that kind is configured.",
        };
        return Task.CompletedTask;
    }

    public Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var policies = context.Description.ActionDescriptor.EndpointMetadata.OfType<IAuthorizeData>().Select(a => a.Policy).ToList();
        if (policies.Count == 0)
        {
            return Task.CompletedTask;
        }

        operation.Security ??= [];
        operation.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(SchemeName, context.Document)] = [] });
        operation.Responses ??= [];
        operation.Responses.TryAdd("401", new OpenApiResponse { Description = "No token, or one that is not recognised (WWW-Authenticate: Bearer)." });
        if (policies.Contains(AccessControl.Admin) || policies.Contains(Ingest.AgentAuthentication.Policy))
        {
            operation.Responses.TryAdd("403", new OpenApiResponse { Description = "The token may not do this (a read token, or an agent token for another agent)." });
        }

        return Task.CompletedTask;
    }
}
