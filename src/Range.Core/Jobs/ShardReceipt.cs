using System.Text.Json;
using RangeOrleans.Core.Formats;

namespace RangeOrleans.Core.Jobs;

/// <summary>
/// DEST/_receipts/TILE.json, written (atomically) right after a map shard's file is committed: the rows, SHA-256 and embedding
/// dimension of that file and which output it belongs to (<see cref="Output"/>: points, options, model and bank bytes;
/// for a job over point files also <see cref="Points"/>, the SHA-256 of the tile's points as planned, since the files
/// named in the spec may have changed since). It outlives
/// the job that wrote it (an interrupted, cancelled or failed job keeps it) so that the same spec run again onto the
/// same DEST, under any job id, reuses the shard whose bytes still match instead of recomputing it. The manifest
/// replaces the receipts once the map is finished.
/// </summary>
public sealed record ShardReceipt(string Tile, long Rows, string Sha256, string Output, int Dimension, string ModelKind, string? Points = null)
{
    public const string Folder = "_receipts/";

    public static string BlobName(string tileId) => $"{Folder}{tileId}.json";

    public byte[] ToJsonBytes() => JsonSerializer.SerializeToUtf8Bytes(this, JobJson.Options);

    /// <summary>Parses a receipt; <paramref name="source"/> names it in errors.</summary>
    public static ShardReceipt Parse(ReadOnlySpan<byte> json, string source)
    {
        ShardReceipt? receipt;
        try { receipt = JsonSerializer.Deserialize<ShardReceipt>(json, JobJson.Options); }
        catch (JsonException e) { throw new RangeFormatException(source, $"not a valid shard receipt: {e.Message}", e); }
        if (receipt is null || string.IsNullOrEmpty(receipt.Tile) || receipt.Rows < 0 || receipt.Dimension < 1 || string.IsNullOrEmpty(receipt.ModelKind) || !ContentHash.IsSha256(receipt.Sha256) || !ContentHash.IsSha256(receipt.Output) || (receipt.Points is not null && !ContentHash.IsSha256(receipt.Points)))
            throw new RangeFormatException(source, "not a valid shard receipt: it needs a tile, rows, a dimension, a model kind and two 64-hex-digit SHA-256s");
        return receipt;
    }
}
