using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using RangeOrleans.Grains.Storage;

namespace RangeOrleans.Hosting.Api;

/// <summary>
/// The HTTP front end (<c>range api</c>): Kestrel with minimal APIs over a client of the cluster. Stateless: jobs live in
/// the cluster, so any number of replicas may serve the same cluster. Order: problem details for anything unhandled,
/// then the bearer token, then the token's rate limits, then the routes (<see cref="ApiRoutes"/>).
/// </summary>
public static class ApiServer
{
    public static WebApplication Build(ApiSettings settings, IClusterClient client, IReadOnlyList<ApiToken> tokens)
    {
        settings.Validate();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.AddRangeLogFilters();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Listen(settings.Address, settings.Port);
            k.Limits.MaxRequestBodySize = ApiSettings.MaxRequestBodyBytes;
        });
        builder.Services.AddSingleton(client);
        builder.Services.AddSingleton<IBlobStoreFactory, BlobStoreFactory>();
        builder.Services.AddProblemDetails();
        builder.Services.AddRateLimiter(ApiRateLimits.Configure);
        var app = builder.Build();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.Use(BearerAuthentication.Require(tokens));
        app.UseRateLimiter();
        ApiRoutes.Map(app);
        return app;
    }
}
