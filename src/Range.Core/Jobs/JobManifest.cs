using System.Text.Json;
using System.Text.Json.Serialization;
using RangeOrleans.Core.Formats;

namespace RangeOrleans.Core.Jobs;

/// <summary>
/// DEST/manifest.json, written last when every shard is stored: what was computed (the job's spec,
/// the model and bank identities, the embedding dimension and precision) and where (every shard
/// file with its row count and SHA-256). A reprocess job compares identities with it to skip shards.
/// </summary>
public sealed record JobManifest
{
    public const string FileName = "manifest.json";
    public const int CurrentFormatVersion = 1;

    public int FormatVersion { get; init; } = CurrentFormatVersion;
    public required string JobId { get; init; }

    /// <summary>The job's spec as submitted (points source, model options, destination), kept verbatim.</summary>
    public required JsonElement Spec { get; init; }

    public required ArtifactIdentity Model { get; init; }
    public ArtifactIdentity? Bank { get; init; }
    public required string ModelKind { get; init; }
    public required int Dimension { get; init; }

    /// <summary>"float32" or "float16".</summary>
    public required string Precision { get; init; }

    public required double TileDegrees { get; init; }
    public long TotalRows { get; init; }
    public DateTimeOffset CompletedAt { get; init; }
    public required IReadOnlyList<ManifestShard> Shards { get; init; }

    private static readonly JsonSerializerOptions s_options = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public byte[] ToJsonBytes() => JsonSerializer.SerializeToUtf8Bytes(this, s_options);

    /// <summary>Parses a manifest; <paramref name="source"/> names it in errors.</summary>
    public static JobManifest Parse(ReadOnlySpan<byte> json, string source)
    {
        try
        {
            var manifest = JsonSerializer.Deserialize<JobManifest>(json, s_options)
                ?? throw new RangeFormatException(source, "manifest is null");
            if (manifest.FormatVersion != CurrentFormatVersion)
                throw new RangeFormatException(source, $"manifest format version {manifest.FormatVersion}; this build reads {CurrentFormatVersion}");
            return manifest;
        }
        catch (JsonException e)
        {
            throw new RangeFormatException(source, $"not a valid job manifest: {e.Message}", e);
        }
    }

    /// <summary>The blob name of a tile's output inside DEST.</summary>
    public static string ShardBlobName(string tileId) => $"shards/{tileId}.arrow";
}

/// <summary>A model or bank file: where it was read from and the SHA-256 of its bytes.</summary>
public sealed record ArtifactIdentity(string Source, string Sha256);

/// <summary>One output file: its blob name inside DEST, its tile, rows and SHA-256 of the whole file.</summary>
public sealed record ManifestShard(string Name, string Tile, long Rows, string Sha256);
