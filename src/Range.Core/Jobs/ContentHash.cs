using System.Security.Cryptography;

namespace RangeOrleans.Core.Jobs;

/// <summary>Lower-case hex SHA-256 of files and streams: the identities recorded in job manifests.</summary>
public static class ContentHash
{
    public static string OfFile(string path)
    {
        using var stream = File.OpenRead(path);
        return OfStream(stream);
    }

    public static string OfStream(Stream stream) => Convert.ToHexStringLower(SHA256.HashData(stream));

    public static async Task<string> OfStreamAsync(Stream stream, CancellationToken cancellationToken = default) =>
        Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, cancellationToken));
}
