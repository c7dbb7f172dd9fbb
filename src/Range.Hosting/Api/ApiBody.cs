using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace RangeOrleans.Hosting.Api;

/// <summary>Reads a request body within a size limit; a body over it, or one that is not what is expected, is an <see cref="ApiRefusal"/>.</summary>
public static class ApiBody
{
    /// <summary>The whole body, at most <paramref name="maxBytes"/> (else 413 naming the limit).</summary>
    public static async Task<byte[]> ReadAsync(HttpRequest request, long maxBytes)
    {
        if (request.ContentLength > maxBytes) throw TooLarge(maxBytes);
        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit) limit.MaxRequestBodySize = maxBytes;
        using var buffer = new MemoryStream();
        try { await request.Body.CopyToAsync(buffer, request.HttpContext.RequestAborted); }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge) { throw TooLarge(maxBytes); }
        if (buffer.Length > maxBytes) throw TooLarge(maxBytes);
        return buffer.ToArray();
    }

    /// <summary>The body as JSON (application/json, at most <paramref name="maxBytes"/>); 415 for another type, 400 naming the line and byte of a syntax error.</summary>
    public static async Task<JsonDocument> ReadJsonAsync(HttpRequest request, long maxBytes)
    {
        if (!IsJson(request.ContentType)) throw new ApiRefusal(415, "Content-Type", $"Content-Type '{request.ContentType}': expected application/json");
        var bytes = await ReadAsync(request, maxBytes);
        try { return JsonDocument.Parse(bytes); }
        catch (JsonException e) { throw new ApiRefusal(400, "body", $"body: not JSON ({e.Message})"); }
    }

    public static bool IsJson(string? contentType) => MediaType(contentType) is "application/json" || MediaType(contentType).EndsWith("+json", StringComparison.Ordinal);

    /// <summary>The media type of a Content-Type or Accept entry, without parameters, lowercase.</summary>
    public static string MediaType(string? value) => (value ?? "").Split(';')[0].Trim().ToLowerInvariant();

    private static ApiRefusal TooLarge(long maxBytes) => new(413, "body", $"body: larger than the {maxBytes:N0} bytes this endpoint takes");
}
