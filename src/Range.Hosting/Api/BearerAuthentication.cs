using Microsoft.AspNetCore.Http;

namespace RangeOrleans.Hosting.Api;

/// <summary>
/// The front end's door: every request but the health probes needs <c>Authorization: Bearer TOKEN</c> for a token of the
/// tokens file (looked up by its SHA-256, so the file holds no token). Else 401 problem details and a WWW-Authenticate
/// challenge. The token found rides on the request (<see cref="Caller"/>) for the roots checks and the rate limits.
/// </summary>
public static class BearerAuthentication
{
    private const string Scheme = "Bearer ";
    private static readonly object Key = new();

    public static Func<HttpContext, RequestDelegate, Task> Require(IReadOnlyList<ApiToken> tokens)
    {
        var byHash = tokens.ToDictionary(t => t.Sha256, StringComparer.Ordinal);
        return async (context, next) =>
        {
            var path = context.Request.Path;
            if (path == ApiRoutes.Liveness || path == ApiRoutes.Readiness)
            {
                await next(context);
                return;
            }
            string header = context.Request.Headers.Authorization.ToString();
            if (header.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase)
                && byHash.TryGetValue(ApiTokenFile.HashOf(header[Scheme.Length..].Trim()), out var token))
            {
                context.Items[Key] = token;
                await next(context);
                return;
            }
            context.Response.Headers.WWWAuthenticate = "Bearer realm=\"range\"";
            await ApiProblems.Problem(StatusCodes.Status401Unauthorized, "Authorization",
                header.Length == 0 ? "no bearer token: send Authorization: Bearer TOKEN (range api token add makes one)" : "the bearer token is not one this front end knows")
                .ExecuteAsync(context);
        };
    }

    /// <summary>The token of an authenticated request (null only for the health probes).</summary>
    public static ApiToken? Caller(HttpContext context) => context.Items.TryGetValue(Key, out var token) ? (ApiToken?)token : null;
}
