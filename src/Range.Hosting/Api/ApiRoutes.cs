using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using RangeOrleans.Abstractions;

namespace RangeOrleans.Hosting.Api;

/// <summary>
/// Every route of the front end: health (no token), the OpenAPI document, jobs and embed. docs/openapi.json describes
/// exactly these (a test compares them); it is built into this assembly and served as committed.
/// </summary>
public static class ApiRoutes
{
    public const string Liveness = "/healthz";
    public const string Readiness = "/readyz";
    public const string OpenApi = "/v1/openapi.json";

    /// <summary>How long /readyz waits for the cluster to answer.</summary>
    private static readonly TimeSpan ReadinessTimeout = TimeSpan.FromSeconds(5);

    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet(Liveness, () => Results.Text("ok\n"));
        app.MapGet(Readiness, ReadyAsync);
        app.MapGet(OpenApi, () => Results.Stream(Document(), "application/json"));
        JobEndpoints.Map(app);
        EmbedEndpoints.Map(app);
    }

    /// <summary>The committed docs/openapi.json, as built into this assembly.</summary>
    public static Stream Document() =>
        typeof(ApiRoutes).Assembly.GetManifestResourceStream("openapi.json") ?? throw new InvalidOperationException("openapi.json is not built into Range.Hosting");

    // Ready when a silo answers through this client: a read of the job registry.
    private static async Task<IResult> ReadyAsync([FromServices] IClusterClient client)
    {
        try
        {
            await client.GetGrain<IJobRegistryGrain>(IJobRegistryGrain.Key).FindAsync("readyz").WaitAsync(ReadinessTimeout);
            return Results.Text("ready\n");
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return Results.Text($"the cluster does not answer: {e.Message}\n", statusCode: StatusCodes.Status503ServiceUnavailable);
        }
    }
}
