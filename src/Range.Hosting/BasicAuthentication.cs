using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace RangeOrleans.Hosting;

/// <summary>
/// HTTP basic authentication for the silo's dashboard and <c>range view</c>: every request needs user and password, compared in constant time.
/// Enough for an operator's page on a private network; put TLS in front of it (an ingress) before it crosses one.
/// </summary>
public static class BasicAuthentication
{
    public static Func<HttpContext, RequestDelegate, Task> Require(string user, string password)
    {
        byte[] expected = Encoding.UTF8.GetBytes($"{user}:{password}");
        return async (context, next) =>
        {
            if (Matches(context.Request.Headers.Authorization.ToString(), expected))
            {
                await next(context);
                return;
            }
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            context.Response.Headers.WWWAuthenticate = "Basic realm=\"range\", charset=\"UTF-8\"";
        };
    }

    /// <summary>Whether an Authorization <paramref name="header"/> gives <paramref name="user"/> and <paramref name="password"/> (for servers that are not ASP.NET Core).</summary>
    public static bool Allows(string? header, string user, string password) => Matches(header ?? "", Encoding.UTF8.GetBytes($"{user}:{password}"));

    private static bool Matches(string header, byte[] expected)
    {
        const string scheme = "Basic ";
        if (!header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase)) return false;
        byte[] given;
        try { given = Convert.FromBase64String(header[scheme.Length..].Trim()); }
        catch (FormatException) { return false; }
        return CryptographicOperations.FixedTimeEquals(given, expected);
    }
}
