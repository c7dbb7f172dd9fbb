using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using RangeOrleans.Core.Formats.Arrow;
using RangeOrleans.Core.Jobs;
using RangeOrleans.Core.Points;
using RangeOrleans.Testing;

namespace RangeOrleans.Cluster.Tests;

/// <summary>
/// The cluster over HTTP (docs/api.md), end to end: a real `range api` process in front of a real silo, driven by an
/// HttpClient as any language would: tokens, jobs (submit, events, list, manifest, cancel), embeddings equal to
/// `range embed`'s, and refusals as problem details naming the field.
/// </summary>
public sealed class ApiTests(ApiClusterFixture fixture) : IClassFixture<ApiClusterFixture>
{
    private static string Checkpoint => TestData.Fixture("satclip_l10/satclip.ckpt");
    private ApiFrontEnd Api => fixture.Api;

    [Fact]
    public async Task OnlyHealthAnswersWithoutAToken()
    {
        using var anonymous = Api.Client(null);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/healthz")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/readyz")).StatusCode);
        foreach (var path in new[] { "/v1/jobs", "/v1/jobs/any", "/v1/openapi.json" })
        {
            var refused = await anonymous.GetAsync(path);
            await AssertProblemAsync(refused, HttpStatusCode.Unauthorized, "Authorization");
            Assert.Equal("Bearer", refused.Headers.WwwAuthenticate.Single().Scheme);
        }
        using var forged = Api.Client("rng_not-a-token");
        await AssertProblemAsync(await forged.GetAsync("/v1/jobs"), HttpStatusCode.Unauthorized, "Authorization");
        var embed = await anonymous.PostAsJsonAsync("/v1/embed", new { });
        await AssertProblemAsync(embed, HttpStatusCode.Unauthorized, "Authorization");
    }

    [Fact]
    public async Task EachTokenHasItsOwnRateLimit()
    {
        using var limited = Api.Client(Api.LimitedToken);
        for (int i = 0; i < ApiFrontEnd.LimitedRate; i++) Assert.Equal(HttpStatusCode.OK, (await limited.GetAsync("/v1/jobs")).StatusCode);
        var refused = await limited.GetAsync("/v1/jobs");
        await AssertProblemAsync(refused, HttpStatusCode.TooManyRequests, "Authorization");
        Assert.True(refused.Headers.RetryAfter?.Delta > TimeSpan.Zero, "no Retry-After");
        using var other = Api.Client(Api.Token);
        Assert.Equal(HttpStatusCode.OK, (await other.GetAsync("/v1/jobs")).StatusCode);
        using var anonymous = Api.Client(null);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/healthz")).StatusCode);
    }

    [Fact]
    public async Task MapJobIsSubmittedFollowedListedAndItsManifestPointsAtItsFiles()
    {
        using var http = Api.Client(Api.Token);
        string destination = Path.Combine(fixture.Folder, "map-small");
        var submitted = await http.PostAsync("/v1/jobs", Json(MapRequest("api-map", destination, points: 300, shardDegrees: 90)));
        Assert.True(submitted.StatusCode == HttpStatusCode.Accepted, await submitted.Content.ReadAsStringAsync());
        Assert.Equal("/v1/jobs/api-map", submitted.Headers.Location?.ToString());

        var events = await ReadEventsAsync(http, "/v1/jobs/api-map/events");
        Assert.Equal("end", events[^1].Event);
        var last = events.Last(e => e.Event == "status").Data;
        Assert.True(last.GetProperty("state").GetString() == "completed", $"{last}; silo: {fixture.SiloLogs()}");
        Assert.Equal(300, last.GetProperty("status").GetProperty("donePoints").GetInt64());

        var page = await http.GetFromJsonAsync<JsonElement>("/v1/jobs?limit=500");
        Assert.Contains(page.GetProperty("jobs").EnumerateArray(), j => j.GetProperty("jobId").GetString() == "api-map");
        var one = await http.GetFromJsonAsync<JsonElement>("/v1/jobs?limit=1");
        Assert.Single(one.GetProperty("jobs").EnumerateArray().ToList());

        var manifest = await http.GetFromJsonAsync<JsonElement>("/v1/jobs/api-map/manifest");
        Assert.Equal(Sha256(Checkpoint), manifest.GetProperty("manifest").GetProperty("model").GetProperty("sha256").GetString());
        var outputs = manifest.GetProperty("outputs").EnumerateArray().ToList();
        Assert.Equal(300, outputs.Sum(o => o.GetProperty("rows").GetInt64()));
        foreach (var output in outputs)
            Assert.Equal(output.GetProperty("sha256").GetString(), Sha256(output.GetProperty("location").GetString()!));
    }

    [Fact]
    public async Task MapJobInBlobStorageLinksItsShardsByReadUrls()
    {
        using var http = Api.Client(Api.Token);
        var submitted = await http.PostAsync("/v1/jobs", Json(MapRequest("api-map-az", "az://apimaps/fib", points: 100, shardDegrees: 90)));
        Assert.True(submitted.StatusCode == HttpStatusCode.Accepted, await submitted.Content.ReadAsStringAsync());
        var last = (await ReadEventsAsync(http, "/v1/jobs/api-map-az/events")).Last(e => e.Event == "status").Data;
        Assert.True(last.GetProperty("state").GetString() == "completed", $"{last}; silo: {fixture.SiloLogs()}");
        var manifest = await http.GetFromJsonAsync<JsonElement>("/v1/jobs/api-map-az/manifest");
        using var anonymous = new HttpClient(); // a read URL needs no token and no storage credentials
        foreach (var output in manifest.GetProperty("outputs").EnumerateArray())
        {
            Assert.StartsWith("az://apimaps/fib/shards/", output.GetProperty("location").GetString());
            var bytes = await anonymous.GetByteArrayAsync(output.GetProperty("readUrl").GetString());
            Assert.Equal(output.GetProperty("sha256").GetString(), Convert.ToHexStringLower(SHA256.HashData(bytes)));
        }
    }

    [Fact]
    public async Task DeleteCancelsARunningJob()
    {
        using var http = Api.Client(Api.Token);
        string destination = Path.Combine(fixture.Folder, "map-cancel");
        var submitted = await http.PostAsync("/v1/jobs", Json(MapRequest("api-cancel", destination, points: 400_000, shardDegrees: 45)));
        Assert.Equal(HttpStatusCode.Accepted, submitted.StatusCode);
        var cancelled = await http.DeleteAsync("/v1/jobs/api-cancel");
        Assert.Equal(HttpStatusCode.Accepted, cancelled.StatusCode);
        var deadline = DateTime.UtcNow + LocalCluster.JobTimeout;
        JsonElement view;
        do
        {
            await Task.Delay(300);
            view = await http.GetFromJsonAsync<JsonElement>("/v1/jobs/api-cancel");
        }
        while ((view.GetProperty("state").GetString() != "cancelled" || view.GetProperty("cleaningUp").GetBoolean()) && DateTime.UtcNow < deadline);
        Assert.Equal("cancelled", view.GetProperty("state").GetString());
        Assert.False(File.Exists(Path.Combine(destination, JobManifest.FileName)));
        await AssertProblemAsync(await http.GetAsync("/v1/jobs/api-cancel/manifest"), HttpStatusCode.Conflict, "id");
    }

    [Fact]
    public async Task RefusalsAreProblemDetailsNamingTheField()
    {
        using var http = Api.Client(Api.Token);
        string destination = Path.Combine(fixture.Folder, "refused");
        await AssertProblemAsync(await http.PostAsync("/v1/jobs", new StringContent("{\"kind\": \"map\", \"spec\": {", Encoding.UTF8, "application/json")), HttpStatusCode.BadRequest, "body");
        var wrongType = MapRequest("api-refused", destination, 10, 90);
        wrongType["spec"]!["points"]!["fibonacciCount"] = "many";
        await AssertProblemAsync(await http.PostAsync("/v1/jobs", Json(wrongType)), HttpStatusCode.BadRequest, "spec.points.fibonacciCount");
        var grid = MapRequest("api-refused", destination, 10, 90);
        grid["spec"]!["points"] = new System.Text.Json.Nodes.JsonObject { ["kind"] = "grid", ["gridDegrees"] = 7 };
        await AssertProblemAsync(await http.PostAsync("/v1/jobs", Json(grid)), HttpStatusCode.BadRequest, "spec.points.gridDegrees");
        var misspelt = MapRequest("api-refused", destination, 10, 90);
        misspelt["spec"]!["shardDegree"] = 10;
        await AssertProblemAsync(await http.PostAsync("/v1/jobs", Json(misspelt)), HttpStatusCode.BadRequest, "spec.shardDegree");
        await AssertProblemAsync(await http.PostAsync("/v1/jobs", Json(MapRequest("bad id!", destination, 10, 90))), HttpStatusCode.BadRequest, "jobId");
        var huge = new StringContent("{\"kind\": \"map\", \"spec\": {\"destination\": \"" + new string('a', 100_000) + "\"}}", Encoding.UTF8, "application/json");
        await AssertProblemAsync(await http.PostAsync("/v1/jobs", huge), HttpStatusCode.RequestEntityTooLarge, "body");
        await AssertProblemAsync(await http.PostAsync("/v1/jobs", new StringContent("kind=map", Encoding.UTF8, "text/plain")), HttpStatusCode.UnsupportedMediaType, "Content-Type");
        await AssertProblemAsync(await http.GetAsync("/v1/jobs/no-such-job"), HttpStatusCode.NotFound, "id");
        await AssertProblemAsync(await http.GetAsync("/v1/jobs?limit=zero"), HttpStatusCode.BadRequest, "limit");

        // A location outside the token's roots: refused before the cluster sees it.
        using var narrow = Api.Client(Api.NarrowToken);
        var outside = await narrow.PostAsync("/v1/jobs", Json(MapRequest("api-outside", destination, 10, 90)));
        var outsideProblem = await AssertProblemAsync(outside, HttpStatusCode.Forbidden, "spec.destination");
        Assert.Matches("outside token '[^']+''s data roots", outsideProblem.GetProperty("detail").GetString()); // the token's roots, not a silo's options
        Assert.Contains("range api token add --data-root", outsideProblem.GetProperty("detail").GetString());
        var inside = MapRequest("api-outside", Path.Combine(Api.NarrowRoot, "out"), 10, 90); // its checkpoint is outside
        await AssertProblemAsync(await narrow.PostAsync("/v1/jobs", Json(inside)), HttpStatusCode.Forbidden, "spec.model.checkpoint");
        await AssertProblemAsync(await narrow.PostAsJsonAsync("/v1/embed", EmbedBody([[1, 2]])), HttpStatusCode.Forbidden, "model.checkpoint");
        var listed = await narrow.GetFromJsonAsync<JsonElement>("/v1/jobs");
        Assert.Empty(listed.GetProperty("jobs").EnumerateArray()); // the other token's jobs write elsewhere

        var tooMany = Enumerable.Range(0, 10_001).Select(i => new[] { -180 + i * 0.03, 0.0 }).ToArray();
        var over = await http.PostAsJsonAsync("/v1/embed", EmbedBody(tooMany));
        var problem = await AssertProblemAsync(over, HttpStatusCode.RequestEntityTooLarge, "points");
        Assert.Equal("/v1/jobs", problem.GetProperty("jobs").GetString());
        await AssertProblemAsync(await http.PostAsJsonAsync("/v1/embed", EmbedBody([[10, 95]])), HttpStatusCode.BadRequest, "points");
        await AssertProblemAsync(await http.PostAsync("/v1/embed", new StringContent("{\"model\": {\"checkpoint\": \"" + Checkpoint + "\", \"model\": \"satclip\"}, \"points\": [[1, 2], [3]]}", Encoding.UTF8, "application/json")),
            HttpStatusCode.BadRequest, "points[1]");
    }

    [Fact]
    public async Task TheSilosRefuseWhatTheirRootsDoNotAllowWhateverTheToken()
    {
        // The silo allows the temp folder and the repository; this token allows every path.
        using var wide = Api.Client(Api.WideToken);
        string outside = Path.Combine("/var/tmp", $"range-api-{Guid.NewGuid():N}");
        var job = await wide.PostAsync("/v1/jobs", Json(MapRequest("api-silo-roots", outside, 10, 90)));
        var problem = await AssertProblemAsync(job, HttpStatusCode.Forbidden, "spec.destination");
        Assert.Contains("outside this silo's data roots", problem.GetProperty("detail").GetString());
        Assert.False(Directory.Exists(outside));

        var embed = await wide.PostAsJsonAsync("/v1/embed", new { model = new { checkpoint = "/etc/hostname", model = "satclip" }, points = new[] { new[] { 1.0, 2.0 } } });
        problem = await AssertProblemAsync(embed, HttpStatusCode.Forbidden, "model.checkpoint");
        Assert.Contains("outside this silo's data roots", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task EmbeddingsOverHttpAreExactlyTheCliNumbersInJsonAndArrow()
    {
        var random = new Random(24);
        var points = Enumerable.Range(0, 257).Select(_ => new[] { random.NextDouble() * 360 - 180, random.NextDouble() * 180 - 90 }).ToArray();
        string csv = Path.Combine(fixture.Folder, "embed-points.csv"), cliOut = Path.Combine(fixture.Folder, "embed-cli.arrow");
        File.WriteAllLines(csv, ["lon,lat", .. points.Select(p => FormattableString.Invariant($"{p[0]:R},{p[1]:R}"))]);
        var cli = await RangeCli.RunAsync("embed", "--input", csv, "--checkpoint", Checkpoint, "--model", "satclip", "--output", cliOut);
        Assert.True(cli.ExitCode == 0, cli.ToString());
        var expected = EmbeddingArrowReader.ReadAll(cliOut);

        using var http = Api.Client(Api.Token);
        var answer = await http.PostAsJsonAsync("/v1/embed", EmbedBody(points));
        Assert.True(answer.IsSuccessStatusCode, await answer.Content.ReadAsStringAsync());
        var json = await answer.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("satclip", json.GetProperty("model").GetString());
        Assert.Equal(Sha256(Checkpoint), json.GetProperty("checkpoint").GetProperty("sha256").GetString());
        int dim = json.GetProperty("dimension").GetInt32();
        Assert.Equal(expected.Dimension, dim);
        var rows = json.GetProperty("embeddings").EnumerateArray().SelectMany(r => r.EnumerateArray().Select(v => v.GetSingle())).ToArray();
        Assert.Equal(expected.Embeddings, rows);

        using var body = new MemoryStream();
        PointsArrowFile.Write(body, new PointSet(points.Select(p => p[0]).ToArray(), points.Select(p => p[1]).ToArray()));
        var arrowRequest = new HttpRequestMessage(HttpMethod.Post, $"/v1/embed?checkpoint={Uri.EscapeDataString(Checkpoint)}&model=satclip")
        {
            Content = new ByteArrayContent(body.ToArray()) { Headers = { ContentType = new MediaTypeHeaderValue("application/vnd.apache.arrow.file") } },
        };
        arrowRequest.Headers.Accept.ParseAdd("application/vnd.apache.arrow.file");
        var arrow = await http.SendAsync(arrowRequest);
        Assert.True(arrow.IsSuccessStatusCode, await arrow.Content.ReadAsStringAsync());
        Assert.Equal("application/vnd.apache.arrow.file", arrow.Content.Headers.ContentType?.MediaType);
        Assert.Equal(Sha256(Checkpoint), arrow.Headers.GetValues("X-Range-Checkpoint-Sha256").Single());
        var got = EmbeddingArrowReader.ReadAll(await arrow.Content.ReadAsStreamAsync(), "the answer");
        Assert.Equal(expected.Lon, got.Lon);
        Assert.Equal(expected.Lat, got.Lat);
        Assert.Equal(expected.Embeddings, got.Embeddings);
    }

    [Fact]
    public async Task PythonExampleSubmitsFollowsAndReadsAMap()
    {
        string destination = Path.Combine(fixture.Folder, "python-map");
        var info = new System.Diagnostics.ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { Path.Combine(TestData.RepoDir, "samples", "python", "submit_and_fetch.py"), "--checkpoint", Checkpoint, "--out", destination, "--fibonacci", "200" })
            info.ArgumentList.Add(a);
        info.Environment["RANGE_API_URL"] = Api.Address.ToString().TrimEnd('/');
        info.Environment["RANGE_API_TOKEN"] = Api.Token;
        using var python = System.Diagnostics.Process.Start(info)!;
        var output = python.StandardOutput.ReadToEndAsync();
        var error = python.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        await python.WaitForExitAsync(timeout.Token);
        Assert.True(python.ExitCode == 0, $"exit {python.ExitCode}: {await output} {await error}");
        Assert.Contains("completed", await output);
        Assert.Contains("embedding of (", await output);
        Assert.True(File.Exists(Path.Combine(destination, JobManifest.FileName)));
    }

    private static System.Text.Json.Nodes.JsonObject MapRequest(string jobId, string destination, long points, double shardDegrees) => new()
    {
        ["kind"] = "map",
        ["jobId"] = jobId,
        ["spec"] = new System.Text.Json.Nodes.JsonObject
        {
            ["points"] = new System.Text.Json.Nodes.JsonObject { ["kind"] = "fibonacci", ["fibonacciCount"] = points },
            ["model"] = new System.Text.Json.Nodes.JsonObject { ["checkpoint"] = Checkpoint, ["model"] = "satclip" },
            ["destination"] = destination,
            ["shardDegrees"] = shardDegrees,
        },
    };

    private static object EmbedBody(double[][] points) => new { model = new { checkpoint = Checkpoint, model = "satclip" }, points };

    private static StringContent Json(System.Text.Json.Nodes.JsonNode body) => new(body.ToJsonString(), Encoding.UTF8, "application/json");

    private static string Sha256(string path) => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path)));

    /// <summary>Asserts a problem details answer (application/problem+json) with <paramref name="status"/> naming <paramref name="field"/>; returns it.</summary>
    internal static async Task<JsonElement> AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string field)
    {
        string text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"expected {(int)status}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(text).RootElement;
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        Assert.True(problem.GetProperty("field").GetString() == field, $"expected field {field}: {text}");
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("detail").GetString()));
        return problem;
    }

    /// <summary>The server-sent events of <paramref name="path"/> until the stream ends.</summary>
    private static async Task<List<(string Event, JsonElement Data)>> ReadEventsAsync(HttpClient http, string path)
    {
        using var response = await http.GetAsync(path, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        var events = new List<(string, JsonElement)>();
        string? name = null;
        while (await reader.ReadLineAsync() is { } line)
        {
            if (line.StartsWith("event: ", StringComparison.Ordinal)) name = line["event: ".Length..];
            else if (line.StartsWith("data: ", StringComparison.Ordinal)) events.Add((name!, JsonDocument.Parse(line["data: ".Length..]).RootElement.Clone()));
        }
        return events;
    }
}
