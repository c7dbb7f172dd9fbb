using System.Security.Cryptography;

namespace RangeOrleans.Core.Jobs;

/// <summary>Lower-case hex SHA-256 of files and streams: the identities recorded in job manifests.</summary>
public static class ContentHash
{
    /// <summary>True for 64 hex digits: what a recorded SHA-256 must look like before anything trusts it.</summary>
    public static bool IsSha256(string? text) => text is { Length: 64 } && text.All(char.IsAsciiHexDigit);

    public static string OfFile(string path)
    {
        using var stream = File.OpenRead(path);
        return OfStream(stream);
    }

    public static string OfStream(Stream stream) => Convert.ToHexStringLower(SHA256.HashData(stream));

    public static async Task<string> OfStreamAsync(Stream stream, CancellationToken cancellationToken = default) =>
        Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, cancellationToken));
}
