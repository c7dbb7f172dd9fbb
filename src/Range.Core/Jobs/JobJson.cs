using System.Text.Json;
using System.Text.Json.Serialization;
using RangeOrleans.Core.Formats;

namespace RangeOrleans.Core.Jobs;

/// <summary>
/// What DEST/job.json (<see cref="JobClaim"/>) and DEST/manifest.json (<see cref="JobManifest"/>) have in common: the
/// job that wrote it, the spec it ran (kept verbatim), the bank it read, one JSON form, and one way to parse them.
/// </summary>
public abstract record JobJson
{
    public const int CurrentFormatVersion = 1;

    public static readonly JsonSerializerOptions Options = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public int FormatVersion { get; init; } = CurrentFormatVersion;
    public required string JobId { get; init; }

    /// <summary>The job's spec as submitted, kept verbatim.</summary>
    public required JsonElement Spec { get; init; }

    public ArtifactIdentity? Bank { get; init; }

    public byte[] ToJsonBytes() => JsonSerializer.SerializeToUtf8Bytes(this, GetType(), Options);

    /// <summary>
    /// Parses one of these files; <paramref name="source"/> names it and <paramref name="what"/> says what it is
    /// ("job claim") in errors; <paramref name="problem"/> says what a parsed one still lacks, or null.
    /// </summary>
    protected static T Parse<T>(ReadOnlySpan<byte> json, string source, string what, Func<T, string?> problem) where T : JobJson
    {
        try
        {
            var parsed = JsonSerializer.Deserialize<T>(json, Options) ?? throw new RangeFormatException(source, $"{what} is null");
            if (parsed.FormatVersion != CurrentFormatVersion)
                throw new RangeFormatException(source, $"{what} format version {parsed.FormatVersion}; this build reads {CurrentFormatVersion}");
            if (string.IsNullOrEmpty(parsed.JobId)) throw new RangeFormatException(source, $"not a valid {what}: no job id");
            if (parsed.Spec.ValueKind != JsonValueKind.Object) throw new RangeFormatException(source, $"not a valid {what}: its spec is not an object");
            if (problem(parsed) is { } found) throw new RangeFormatException(source, $"not a valid {what}: {found}");
            return parsed;
        }
        catch (JsonException e)
        {
            throw new RangeFormatException(source, $"not a valid {what}: {e.Message}", e);
        }
    }
}
