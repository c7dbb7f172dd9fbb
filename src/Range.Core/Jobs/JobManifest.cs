namespace RangeOrleans.Core.Jobs;

/// <summary>
/// DEST/manifest.json, written last when every shard is stored: what was computed (the job's spec,
/// the model and bank identities, the embedding dimension and precision) and where (every shard
/// file with its row count and SHA-256). A reprocess job compares identities with it to skip shards.
/// </summary>
public sealed record JobManifest : JobJson
{
    public const string FileName = "manifest.json";

    public required ArtifactIdentity Model { get; init; }
    public required string ModelKind { get; init; }
    public required int Dimension { get; init; }

    /// <summary>"float32" or "float16".</summary>
    public required string Precision { get; init; }

    public required double TileDegrees { get; init; }
    public long TotalRows { get; init; }
    public DateTimeOffset CompletedAt { get; init; }
    public required IReadOnlyList<ManifestShard> Shards { get; init; }

    /// <summary>Parses a manifest; <paramref name="source"/> names it in errors.</summary>
    public static JobManifest Parse(ReadOnlySpan<byte> json, string source) => Parse<JobManifest>(json, source, "job manifest", m => m.Problem());

    /// <summary>
    /// What a parsed manifest must hold before anything is read or skipped because of it (JSON that
    /// parses may still leave required members null): shard names are exactly shards/TILE.arrow, so a
    /// hostile manifest cannot point a reprocess outside DEST.
    /// </summary>
    private string? Problem()
    {
        if (Model is null || !ContentHash.IsSha256(Model.Sha256) || Model.Source is null) return "no model source and SHA-256";
        if (Bank is not null && (!ContentHash.IsSha256(Bank.Sha256) || Bank.Source is null)) return "bank without a source and SHA-256";
        if (string.IsNullOrEmpty(ModelKind)) return "no model kind";
        if (Dimension < 1) return $"dimension {Dimension}";
        if (Precision is not ("float32" or "float16")) return $"precision '{Precision}': expected float32 or float16";
        if (!double.IsFinite(TileDegrees) || TileDegrees <= 0 || TileDegrees > 180) return $"tile size {TileDegrees} degrees";
        if (Shards is null) return "no shard list";
        long rows = 0;
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < Shards.Count; i++)
        {
            var shard = Shards[i];
            if (shard is null || string.IsNullOrEmpty(shard.Tile) || shard.Tile.Length > 64 || !shard.Tile.All(c => char.IsAsciiLetterOrDigit(c) || c is '+' or '-' or '.'))
                return $"shard {i}: no valid tile id";
            if (shard.Name != ShardBlobName(shard.Tile)) return $"shard {i}: name '{Shorten(shard.Name)}' is not {ShardBlobName(shard.Tile)}";
            if (!names.Add(shard.Name)) return $"shard {i}: {shard.Name} is listed twice";
            if (shard.Rows < 0) return $"shard {i}: {shard.Rows} rows";
            if (!ContentHash.IsSha256(shard.Sha256)) return $"shard {i}: SHA-256 '{Shorten(shard.Sha256)}' is not 64 hex digits";
            rows += shard.Rows;
        }
        if (rows != TotalRows) return $"the shards hold {rows} rows, the manifest says {TotalRows}";
        return null;
    }

    private static string Shorten(string? text) => text is null ? "" : text.Length <= 80 ? text : text[..80] + "...";

    /// <summary>The blob name of a tile's output inside DEST.</summary>
    /// <summary>Where a map's shard files live in DEST.</summary>
    public const string ShardFolder = "shards/";

    public static string ShardBlobName(string tileId) => $"{ShardFolder}{tileId}.arrow";
}

/// <summary>A model or bank file: where it was read from and the SHA-256 of its bytes.</summary>
public sealed record ArtifactIdentity(string Source, string Sha256);

/// <summary>One output file: its blob name inside DEST, its tile, rows and SHA-256 of the whole file.</summary>
public sealed record ManifestShard(string Name, string Tile, long Rows, string Sha256);
