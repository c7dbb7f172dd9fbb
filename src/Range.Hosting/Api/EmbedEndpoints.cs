using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using RangeOrleans.Abstractions;
using RangeOrleans.Core.Formats;
using RangeOrleans.Core.Formats.Arrow;
using RangeOrleans.Core.Points;
using RangeOrleans.Grains.Embedding;

namespace RangeOrleans.Hosting.Api;

/// <summary>
/// POST /v1/embed: up to <see cref="EmbedRequest.MaxPoints"/> points embedded now by a silo (<see cref="IEmbedGrain"/>), never
/// in this process. In: JSON <c>{"model": ModelSpec, "points": [[lon, lat], ...]}</c>, or an Arrow IPC file or stream with
/// lon and lat columns (as range embed reads) and the model in the query string. Out, by Accept: JSON, or an Arrow IPC
/// file as range embed writes it. Either names the model and the SHA-256 of its checkpoint and bank.
/// </summary>
public static class EmbedEndpoints
{
    public const string ArrowFile = "application/vnd.apache.arrow.file";
    public const string ArrowStream = "application/vnd.apache.arrow.stream";

    /// <summary>The largest embed body: <see cref="EmbedRequest.MaxPoints"/> points as JSON with room to spare.</summary>
    public const int MaxBodyBytes = 4 * 1024 * 1024;

    public static void Map(IEndpointRouteBuilder app) => app.MapPost("/v1/embed", EmbedAsync);

    private static Task<IResult> EmbedAsync(HttpContext context, [FromServices] IClusterClient client) => ApiGuard.RunAsync("", async () =>
    {
        var caller = BearerAuthentication.Caller(context)!;
        string type = ApiBody.MediaType(context.Request.ContentType);
        var request = type is ArrowFile or ArrowStream ? await ArrowRequestAsync(context.Request)
            : ApiBody.IsJson(type) ? await JsonRequestAsync(context.Request)
            : throw new ApiRefusal(415, "Content-Type", $"Content-Type '{context.Request.ContentType}': expected application/json, {ArrowFile} or {ArrowStream}");
        if (request.Lon.Length > EmbedRequest.MaxPoints) throw OverLimit(request.Lon.Length);
        EmbedGrain.Validate(request); // the silo checks again; here the answer names the field
        try
        {
            caller.Roots.Require(request.Model.Checkpoint, "--checkpoint");
            if (request.Model.Bank is not null) caller.Roots.Require(request.Model.Bank, "--bank");
        }
        catch (ArgumentException e) { throw new ApiRefusal(403, ApiProblems.FieldOf(e.Message, ""), e.Message); }
        var result = await client.GetGrain<IEmbedGrain>(0).EmbedAsync(request);
        return WantsArrow(context.Request) ? ArrowAnswer(request, result) : JsonAnswer(request, result);
    });

    private static ApiRefusal OverLimit(int count) => new(413, "points",
        $"points: {count:N0} points, at most {EmbedRequest.MaxPoints:N0} per request; submit a map job (POST /v1/jobs, kind map, points kind files) for more",
        new Dictionary<string, object?> { ["maxPoints"] = EmbedRequest.MaxPoints, ["jobs"] = "/v1/jobs" });

    private static async Task<EmbedRequest> JsonRequestAsync(HttpRequest http)
    {
        using var body = await ApiBody.ReadJsonAsync(http, MaxBodyBytes);
        var root = body.RootElement;
        if (root.ValueKind != JsonValueKind.Object) throw new ApiRefusal(400, "body", "body: expected a JSON object {\"model\", \"points\"}");
        foreach (var member in root.EnumerateObject())
            if (member.Name is not ("model" or "points")) throw new ApiRefusal(400, member.Name, $"{member.Name}: unknown member; an embed request has model and points");
        if (!root.TryGetProperty("model", out var model)) throw new ApiRefusal(400, "model", "model: missing (checkpoint and model at least)");
        if (!root.TryGetProperty("points", out var points) || points.ValueKind != JsonValueKind.Array)
            throw new ApiRefusal(400, "points", "points: missing; expected an array of [lon, lat] pairs in degrees");
        int count = points.GetArrayLength();
        if (count > EmbedRequest.MaxPoints) throw OverLimit(count);
        var lon = new double[count];
        var lat = new double[count];
        int i = 0;
        foreach (var point in points.EnumerateArray())
        {
            if (point.ValueKind != JsonValueKind.Array || point.GetArrayLength() != 2
                || point[0].ValueKind != JsonValueKind.Number || point[1].ValueKind != JsonValueKind.Number)
                throw new ApiRefusal(400, $"points[{i}]", $"points[{i}]: expected [lon, lat], two numbers in degrees");
            lon[i] = point[0].GetDouble();
            lat[i] = point[1].GetDouble();
            i++;
        }
        return new EmbedRequest { Model = ApiJson.Read<ModelSpec>(model, "model"), Lon = lon, Lat = lat };
    }

    /// <summary>An Arrow body read as range embed reads its --input (written to a temporary file, removed after); the model from the query string.</summary>
    private static async Task<EmbedRequest> ArrowRequestAsync(HttpRequest http)
    {
        var model = ModelFromQuery(http.Query);
        var bytes = await ApiBody.ReadAsync(http, MaxBodyBytes);
        string file = Path.Combine(Path.GetTempPath(), $"range-embed-{Guid.NewGuid():N}.arrow");
        try
        {
            await File.WriteAllBytesAsync(file, bytes);
            var points = PointsReader.Read(file);
            return new EmbedRequest { Model = model, Lon = points.Lon, Lat = points.Lat };
        }
        catch (RangeFormatException e) { throw new ApiRefusal(400, "body", $"body: {e.Message.Replace(file, "the Arrow body")}"); }
        finally { File.Delete(file); }
    }

    /// <summary>The model of an Arrow request: the <see cref="ModelSpec"/> members as query parameters (checkpoint and model required).</summary>
    private static ModelSpec ModelFromQuery(IQueryCollection query)
    {
        string? Text(string name) => query[name].ToString() is { Length: > 0 } value ? value : null;
        double? Number(string name) => Text(name) is not { } text ? null
            : double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) ? value
            : throw new ApiRefusal(400, $"model.{name}", $"model.{name} '{text}': expected a number");
        foreach (var name in query.Keys)
            if (name is not ("checkpoint" or "model" or "bank" or "temperature" or "geoTemperature" or "beta" or "harmonics" or "selection" or "topK" or "angularThresholdDegrees"))
                throw new ApiRefusal(400, name, $"{name}: unknown query parameter; an Arrow embed request names its model with checkpoint, model, bank, temperature, geoTemperature, beta, harmonics, selection, topK, angularThresholdDegrees");
        return new ModelSpec
        {
            Checkpoint = Text("checkpoint") ?? throw new ApiRefusal(400, "model.checkpoint", "model.checkpoint: missing (query parameter checkpoint)"),
            Model = Text("model") ?? throw new ApiRefusal(400, "model.model", "model.model: missing (query parameter model: satclip, range, range+ or sh)"),
            Bank = Text("bank"),
            Temperature = Number("temperature"),
            GeoTemperature = Number("geoTemperature"),
            Beta = Number("beta"),
            Harmonics = Text("harmonics") ?? "compat",
            Selection = Text("selection") ?? "soft",
            TopK = Number("topK") is { } k ? (int)k : 100,
            AngularThresholdDegrees = Number("angularThresholdDegrees"),
        };
    }

    private static bool WantsArrow(HttpRequest request) =>
        request.Headers.Accept.SelectMany(a => (a ?? "").Split(',')).Select(ApiBody.MediaType).Any(t => t is ArrowFile or ArrowStream);

    private static IResult JsonAnswer(EmbedRequest request, EmbedResult result)
    {
        int dim = result.Dimension;
        var rows = new float[request.Lon.Length][];
        for (int i = 0; i < rows.Length; i++) rows[i] = result.Embeddings.AsSpan(i * dim, dim).ToArray();
        return Results.Json(new
        {
            model = result.Model,
            dimension = dim,
            checkpoint = new { source = request.Model.Checkpoint, sha256 = result.CheckpointSha256 },
            bank = request.Model.Bank is null ? null : new { source = request.Model.Bank, sha256 = result.BankSha256 },
            count = rows.Length,
            embeddings = rows,
        }, ApiJson.Options);
    }

    /// <summary>An Arrow IPC file as range embed writes it (lon, lat, embedding), with the identities in its metadata and headers.</summary>
    private static IResult ArrowAnswer(EmbedRequest request, EmbedResult result)
    {
        var metadata = new Dictionary<string, string> { ["range.model"] = result.Model, ["range.checkpoint.sha256"] = result.CheckpointSha256 };
        if (result.BankSha256 is not null) metadata["range.bank.sha256"] = result.BankSha256;
        var buffer = new MemoryStream();
        using (var writer = new EmbeddingArrowWriter(buffer, result.Dimension, EmbeddingPrecision.Float32, metadata))
        {
            writer.WriteBatch(request.Lon, request.Lat, result.Embeddings);
            writer.Commit();
        }
        return new ArrowResult(buffer.ToArray(), result);
    }

    private sealed class ArrowResult(byte[] file, EmbedResult result) : IResult
    {
        public async Task ExecuteAsync(HttpContext context)
        {
            context.Response.ContentType = ArrowFile;
            context.Response.Headers["X-Range-Model"] = result.Model;
            context.Response.Headers["X-Range-Checkpoint-Sha256"] = result.CheckpointSha256;
            if (result.BankSha256 is not null) context.Response.Headers["X-Range-Bank-Sha256"] = result.BankSha256;
            context.Response.ContentLength = file.Length;
            await context.Response.Body.WriteAsync(file, context.RequestAborted);
        }
    }
}
