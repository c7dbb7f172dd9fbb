using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using RangeOrleans.Core.Formats;

namespace RangeOrleans.Hosting.Api;

/// <summary>
/// The front end's tokens file: a JSON array of <see cref="ApiToken"/>s. Read once at start; <see cref="Add"/> (range api
/// token add) writes a new version beside it and renames it into place, owner-only, so a reader never sees half a file.
/// </summary>
public static class ApiTokenFile
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    /// <summary>The tokens in <paramref name="path"/> (none when it does not exist); ArgumentException naming the file and the problem.</summary>
    public static IReadOnlyList<ApiToken> Read(string path)
    {
        if (!File.Exists(path)) return [];
        ApiToken[]? tokens;
        try { tokens = JsonSerializer.Deserialize<ApiToken[]>(File.ReadAllBytes(path), Json); }
        catch (JsonException e) { throw new ArgumentException($"--tokens '{path}': not a tokens file ({e.Message})"); }
        foreach (var token in tokens ?? []) token.Validate($"--tokens '{path}'");
        var names = (tokens ?? []).GroupBy(t => t.Name).FirstOrDefault(g => g.Count() > 1);
        if (names is not null) throw new ArgumentException($"--tokens '{path}': two tokens named '{names.Key}'");
        return tokens ?? [];
    }

    /// <summary>Adds a token to <paramref name="path"/> and returns its text: the only time it is shown.</summary>
    public static string Add(string path, ApiToken template)
    {
        var tokens = Read(path).ToList();
        if (tokens.Any(t => t.Name == template.Name)) throw new ArgumentException($"--name '{template.Name}': {path} already has a token of that name");
        string token = "rng_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var added = template with { Sha256 = HashOf(token) };
        added.Validate($"--tokens '{path}'");
        tokens.Add(added);
        using (var pending = new PendingFile(path, ownerOnly: true))
        {
            JsonSerializer.Serialize(pending.Stream, tokens, Json);
            pending.Commit();
        }
        return token;
    }

    /// <summary>Lowercase hex SHA-256 of a token's text, as the file stores it.</summary>
    public static string HashOf(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));
}
