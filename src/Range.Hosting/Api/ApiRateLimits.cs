using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;

namespace RangeOrleans.Hosting.Api;

/// <summary>
/// Per-token limits (ASP.NET Core's rate limiting middleware, after authentication): requests per minute in a fixed
/// window and requests at once, each token its own partition. Over either: 429 problem details with Retry-After.
/// The health probes carry no token and are not limited.
/// </summary>
public static class ApiRateLimits
{
    public static void Configure(RateLimiterOptions options)
    {
        options.GlobalLimiter = PartitionedRateLimiter.CreateChained(
            PartitionedRateLimiter.Create<HttpContext, string>(context => BearerAuthentication.Caller(context) is { } token
                ? RateLimitPartition.GetFixedWindowLimiter(token.Name, _ => new FixedWindowRateLimiterOptions
                {
                    PermitLimit = token.RequestsPerMinute, Window = TimeSpan.FromMinutes(1), QueueLimit = 0,
                })
                : RateLimitPartition.GetNoLimiter("")),
            PartitionedRateLimiter.Create<HttpContext, string>(context => BearerAuthentication.Caller(context) is { } token
                ? RateLimitPartition.GetConcurrencyLimiter(token.Name, _ => new ConcurrencyLimiterOptions { PermitLimit = token.MaxConcurrent, QueueLimit = 0 })
                : RateLimitPartition.GetNoLimiter("")));
        options.OnRejected = async (context, cancellationToken) =>
        {
            var token = BearerAuthentication.Caller(context.HttpContext);
            if (context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retry))
                context.HttpContext.Response.Headers.RetryAfter = ((int)Math.Ceiling(retry.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
            await ApiProblems.Problem(StatusCodes.Status429TooManyRequests, "Authorization",
                    $"token '{token?.Name}' is over its limits ({token?.RequestsPerMinute} requests a minute, {token?.MaxConcurrent} at once); retry later")
                .ExecuteAsync(context.HttpContext);
        };
    }
}
