using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using RangeOrleans.Abstractions;
using RangeOrleans.Core.Jobs;
using RangeOrleans.Grains.Jobs;
using RangeOrleans.Grains.Pretraining;
using RangeOrleans.Grains.Storage;
using RangeOrleans.Storage;

namespace RangeOrleans.Hosting.Api;

/// <summary>
/// /v1/jobs: submit (map, bank, pretrain: the spec records the CLI builds, checked by the CLI's checks, then the token's
/// roots; the silo checks its own roots and DEST's claim), list, status, events, cancel and a finished map's manifest.
/// A token sees and touches only jobs whose destination lies within its roots.
/// </summary>
public static class JobEndpoints
{
    /// <summary>The largest job request body: a spec is a few hundred bytes, a list of inputs a few kilobytes.</summary>
    public const int MaxSpecBytes = 64 * 1024;

    public const int DefaultPageSize = 50, MaxPageSize = 500;

    /// <summary>How long the read URLs of a manifest's outputs work.</summary>
    public static readonly TimeSpan ReadUrlLifetime = TimeSpan.FromMinutes(15);

    /// <summary>How often an event stream reads the job's status.</summary>
    private static readonly TimeSpan EventInterval = TimeSpan.FromMilliseconds(500);

    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapPost("/v1/jobs", SubmitAsync);
        app.MapGet("/v1/jobs", ListAsync);
        app.MapGet("/v1/jobs/{id}", GetAsync);
        app.MapDelete("/v1/jobs/{id}", CancelAsync);
        app.MapGet("/v1/jobs/{id}/events", EventsAsync);
        app.MapGet("/v1/jobs/{id}/manifest", ManifestAsync);
    }

    private static Task<IResult> SubmitAsync(HttpContext context, [FromServices] IClusterClient client) => ApiGuard.RunAsync("spec", async () =>
    {
        var caller = BearerAuthentication.Caller(context)!;
        using var body = await ApiBody.ReadJsonAsync(context.Request, MaxSpecBytes);
        var root = body.RootElement;
        if (root.ValueKind != JsonValueKind.Object) throw new ApiRefusal(400, "body", "body: expected a JSON object {\"kind\", \"jobId\", \"spec\"}");
        foreach (var member in root.EnumerateObject())
            if (member.Name is not ("kind" or "jobId" or "spec"))
                throw new ApiRefusal(400, member.Name, $"{member.Name}: unknown member; a job request has kind, jobId and spec");
        string kind = Text(root, "kind") ?? "map";
        if (kind is not ("map" or "bank" or "pretrain")) throw new ApiRefusal(400, "kind", $"kind '{kind}': expected map, bank or pretrain");
        string jobId = Text(root, "jobId") ?? JobPoints.NewJobId(kind);
        JobPoints.ValidateJobId(jobId);
        if (!root.TryGetProperty("spec", out var spec)) throw new ApiRefusal(400, "spec", "spec: missing; the job's settings (see the OpenAPI document)");
        var grains = (IGrainFactory)client;
        return await ApiGuard.RunAsync("spec", async () =>
        {
            JobSummary submitted = kind switch
            {
                "bank" => await SubmitBankAsync(grains, caller, jobId, ApiJson.Read<BankJobSpec>(spec, "spec")),
                "pretrain" => await SubmitPretrainAsync(grains, caller, jobId, ApiJson.Read<PretrainJobSpec>(spec, "spec")),
                _ => await SubmitMapAsync(grains, caller, jobId, ApiJson.Read<JobSpec>(spec, "spec")),
            };
            // The registry's record (its submission time) once the job grain has registered; else what was submitted.
            var registered = await grains.GetGrain<IJobRegistryGrain>(IJobRegistryGrain.Key).FindAsync(jobId) ?? submitted;
            var view = await JobView.ReadAsync(grains, registered);
            return new Located(Results.Json(view, ApiJson.Options, statusCode: StatusCodes.Status202Accepted), $"/v1/jobs/{jobId}");
        }, flatModel: kind != "map");
    });

    // range submit's checks: the spec (JobPoints.Validate), then what this token may touch; the silo checks its roots and DEST.
    private static async Task<JobSummary> SubmitMapAsync(IGrainFactory grains, ApiToken caller, string jobId, JobSpec spec)
    {
        JobPoints.Validate(spec);
        RequireRoots(caller, roots => roots.Require(spec));
        await grains.GetGrain<IJobCoordinatorGrain>(jobId).SubmitAsync(spec);
        return new JobSummary { JobId = jobId, Destination = spec.Destination, SubmittedAt = DateTimeOffset.UtcNow, Kind = JobKind.Map };
    }

    private static async Task<JobSummary> SubmitBankAsync(IGrainFactory grains, ApiToken caller, string jobId, BankJobSpec spec)
    {
        JobPoints.RequireDestination(spec.Destination);
        RequireRoots(caller, roots => roots.Require(spec));
        await grains.GetGrain<IBankJobGrain>(jobId).SubmitAsync(spec);
        return new JobSummary { JobId = jobId, Destination = spec.Destination, SubmittedAt = DateTimeOffset.UtcNow, Kind = JobKind.Bank };
    }

    private static async Task<JobSummary> SubmitPretrainAsync(IGrainFactory grains, ApiToken caller, string jobId, PretrainJobSpec spec)
    {
        PretrainJobs.Validate(spec);
        RequireRoots(caller, roots => roots.Require(spec));
        await grains.GetGrain<IPretrainJobGrain>(jobId).SubmitAsync(spec);
        return new JobSummary { JobId = jobId, Destination = spec.Destination, SubmittedAt = DateTimeOffset.UtcNow, Kind = JobKind.Pretrain };
    }

    /// <summary>A location outside the token's roots is refused with 403, naming it (the silos' roots are checked by the silos).</summary>
    private static void RequireRoots(ApiToken caller, Action<AllowedRoots> check)
    {
        try { check(caller.Roots); }
        catch (ArgumentException e) { throw new ApiRefusal(403, ApiProblems.FieldOf(e.Message, "spec"), e.Message); }
    }

    private static Task<IResult> ListAsync(HttpContext context, [FromServices] IClusterClient client) => ApiGuard.RunAsync("query", async () =>
    {
        var caller = BearerAuthentication.Caller(context)!;
        int offset = Number(context, "offset", 0, 0, int.MaxValue);
        int limit = Number(context, "limit", DefaultPageSize, 1, MaxPageSize);
        var jobs = (await client.GetGrain<IJobRegistryGrain>(IJobRegistryGrain.Key).ListAsync())
            .Where(j => Visible(caller, j))
            .OrderByDescending(j => j.SubmittedAt).ThenBy(j => j.JobId, StringComparer.Ordinal)
            .ToList();
        var page = jobs.Skip(offset).Take(limit).ToList();
        string? next = offset + page.Count < jobs.Count ? $"/v1/jobs?offset={offset + page.Count}&limit={limit}" : null;
        return Results.Json(new { jobs = page, offset, limit, total = jobs.Count, next }, ApiJson.Options);
    });

    private static Task<IResult> GetAsync(HttpContext context, string id, [FromServices] IClusterClient client) => ApiGuard.RunAsync("id", async () =>
        Results.Json(await JobView.ReadAsync(client, await FindAsync(context, client, id)), ApiJson.Options));

    private static Task<IResult> CancelAsync(HttpContext context, string id, [FromServices] IClusterClient client) => ApiGuard.RunAsync("id", async () =>
        Results.Json(await JobView.CancelAsync(client, await FindAsync(context, client, id)), ApiJson.Options, statusCode: StatusCodes.Status202Accepted));

    /// <summary>
    /// Server-sent events: an event "status" (a <see cref="JobView"/>) at once and each time the job's status changes, then
    /// "end" once it is final and its clean-up done. Refusals before the stream starts are problem details.
    /// </summary>
    private static async Task EventsAsync(HttpContext context, string id, [FromServices] IClusterClient client)
    {
        JobSummary? job = null;
        var refusal = await ApiGuard.RunAsync("id", async () =>
        {
            job = await FindAsync(context, client, id);
            return Results.Empty;
        });
        if (job is null)
        {
            await refusal.ExecuteAsync(context);
            return;
        }
        var response = context.Response;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        var aborted = context.RequestAborted;
        string? sent = null;
        try
        {
            while (!aborted.IsCancellationRequested)
            {
                var view = await JobView.ReadAsync(client, job);
                string json = JsonSerializer.Serialize(view, ApiJson.Options);
                if (json != sent)
                {
                    await response.WriteAsync($"event: status\ndata: {json}\n\n", Encoding.UTF8, aborted);
                    await response.Body.FlushAsync(aborted);
                    sent = json;
                }
                if (view.IsFinal && !view.CleaningUp)
                {
                    await response.WriteAsync("event: end\ndata: {}\n\n", Encoding.UTF8, aborted);
                    return;
                }
                await Task.Delay(EventInterval, aborted);
            }
        }
        catch (OperationCanceledException) when (aborted.IsCancellationRequested) { } // the client went away
    }

    /// <summary>
    /// A completed map job's manifest (DEST/manifest.json as written) and its outputs: for a local DEST the paths of its
    /// files, for az:// their blob URIs and read-only SAS URLs valid for <see cref="ReadUrlLifetime"/> (when the front
    /// end's connection string has an account key to sign them).
    /// </summary>
    private static Task<IResult> ManifestAsync(HttpContext context, string id, [FromServices] IClusterClient client, [FromServices] IBlobStoreFactory stores) =>
        ApiGuard.RunAsync("id", async () =>
        {
            var job = await FindAsync(context, client, id);
            if (job.Kind != JobKind.Map) throw new ApiRefusal(409, "id", $"job '{id}' is a {job.Kind.ToString().ToLowerInvariant()} job; only map jobs have a manifest (its output is in {job.Destination})");
            var view = await JobView.ReadAsync(client, job);
            if (view.State != JobState.Completed)
                throw new ApiRefusal(409, "id", $"job '{id}' is {view.State.ToString().ToLowerInvariant()}; its manifest is written when it completes");
            byte[] bytes;
            IBlobStore store;
            try
            {
                store = stores.Open(job.Destination);
                bytes = await store.ReadAllBytesAsync(JobManifest.FileName, context.RequestAborted);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or StorageNotConfiguredException or Azure.RequestFailedException)
            {
                throw new ApiRefusal(502, "id", $"the front end cannot read {job.Destination}/{JobManifest.FileName}: {e.Message}");
            }
            var manifest = JobManifest.Parse(bytes, $"{job.Destination}/{JobManifest.FileName}");
            using var raw = JsonDocument.Parse(bytes);
            var outputs = manifest.Shards.Select(s => new
            {
                s.Name, s.Tile, s.Rows, s.Sha256, Location = Locate(job.Destination, s.Name),
                ReadUrl = (store as AzureBlobStore)?.ReadUrl(s.Name, ReadUrlLifetime)?.ToString(),
            }).ToList();
            return Results.Json(new { jobId = id, job.Destination, manifest = raw.RootElement.Clone(), outputs }, ApiJson.Options);
        });

    private static string Locate(string destination, string name) =>
        BlobStores.IsAzure(destination) ? $"{destination.TrimEnd('/')}/{name}" : Path.Combine(destination, name);

    /// <summary>The registry's record of a job this token may see; 404 when there is none, 403 when it writes outside the token's roots.</summary>
    private static async Task<JobSummary> FindAsync(HttpContext context, IClusterClient client, string id)
    {
        var job = await client.GetGrain<IJobRegistryGrain>(IJobRegistryGrain.Key).FindAsync(id)
            ?? throw new ApiRefusal(404, "id", $"no job '{id}' in this cluster (GET /v1/jobs lists them)");
        var caller = BearerAuthentication.Caller(context)!;
        if (!Visible(caller, job)) throw new ApiRefusal(403, "id", $"job '{id}' writes outside the roots of token '{caller.Name}'");
        return job;
    }

    private static bool Visible(ApiToken caller, JobSummary job)
    {
        try
        {
            caller.Roots.Require(job.Destination, "--output");
            return true;
        }
        catch (ArgumentException) { return false; }
    }

    private static string? Text(JsonElement root, string name)
    {
        if (!root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null) return null;
        if (value.ValueKind != JsonValueKind.String) throw new ApiRefusal(400, name, $"{name}: expected a string");
        return value.GetString();
    }

    private static int Number(HttpContext context, string name, int fallback, int min, int max)
    {
        var text = context.Request.Query[name].ToString();
        if (text.Length == 0) return fallback;
        if (!int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int value) || value < min || value > max)
            throw new ApiRefusal(400, name, $"{name} '{text}': expected a whole number from {min} to {max}");
        return value;
    }

    /// <summary>A result with a Location header (202 Accepted of a submitted job).</summary>
    private sealed class Located(IResult inner, string location) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.Headers.Location = location;
            return inner.ExecuteAsync(httpContext);
        }
    }
}
