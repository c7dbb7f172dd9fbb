using System.Diagnostics;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using RangeOrleans.Hosting.Api;

namespace RangeOrleans.Cluster.Tests;

/// <summary>
/// docs/openapi.json, the document range api serves at /v1/openapi.json: valid by an independent validator (npm
/// @apidevtools/swagger-parser, tests/tools), built into the front end as committed, and naming exactly the paths and
/// methods the front end maps.
/// </summary>
public sealed class ApiOpenApiTests
{
    private static string DocumentPath => Path.Combine(TestData.RepoDir, "docs", "openapi.json");

    [Fact]
    public async Task DocumentValidates()
    {
        var info = new ProcessStartInfo("node") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Path.Combine(TestData.RepoDir, "tests", "tools") };
        info.ArgumentList.Add("openapi-validate.mjs");
        info.ArgumentList.Add(DocumentPath);
        using var node = Process.Start(info)!;
        var output = node.StandardOutput.ReadToEndAsync();
        string error = await node.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await node.WaitForExitAsync(timeout.Token);
        Assert.True(node.ExitCode == 0, $"docs/openapi.json is not valid OpenAPI (or tests/tools lacks the validator: scripts/ci-services.sh installs it): {error}");
        Assert.StartsWith("valid", await output);
    }

    [Fact]
    public void ServedDocumentIsTheCommittedOne()
    {
        using var served = ApiRoutes.Document();
        using var copy = new MemoryStream();
        served.CopyTo(copy);
        Assert.Equal(File.ReadAllBytes(DocumentPath), copy.ToArray());
    }

    [Fact]
    public async Task DocumentNamesExactlyTheMappedRoutes()
    {
        var app = WebApplication.CreateSlimBuilder().Build();
        ApiRoutes.Map(app);
        var mapped = ((IEndpointRouteBuilder)app).DataSources.SelectMany(d => d.Endpoints).OfType<RouteEndpoint>()
            .SelectMany(e => e.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.HttpMethodMetadata>()!.HttpMethods.Select(m => $"{m} /{e.RoutePattern.RawText!.TrimStart('/')}"))
            .Order(StringComparer.Ordinal).ToList();
        using var document = JsonDocument.Parse(File.ReadAllBytes(DocumentPath));
        var documented = document.RootElement.GetProperty("paths").EnumerateObject()
            .SelectMany(p => p.Value.EnumerateObject().Select(m => $"{m.Name.ToUpperInvariant()} {p.Name}"))
            .Order(StringComparer.Ordinal).ToList();
        Assert.Equal(documented, mapped);
        await app.DisposeAsync();
    }
}
