using System.Security.Cryptography;
using System.Text;
using RangeOrleans.Abstractions;
using RangeOrleans.Core.Formats;
using RangeOrleans.Core.Jobs;
using RangeOrleans.Storage;
using RangeOrleans.Grains.Jobs;

namespace RangeOrleans.Grains.Maps;

/// <summary>
/// The <see cref="ShardReceipt"/>s of a map DEST: written by the shard that committed the file (so they do not wait for
/// the coordinator, which may be killed first), read by the planner of any later job with the same output, removed with
/// the output or once the manifest lists the shards.
/// </summary>
public static class ShardReceipts
{
    /// <summary>
    /// What decides a shard file's bytes: the points, tiling, precision and model options (<see cref="ManifestWriter.SameOutput"/>)
    /// and the checkpoint and bank bytes; not where they were read from.
    /// </summary>
    public static string OutputIdentity(JobSpec spec, string modelSha, string? bankSha) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{ManifestWriter.OutputKey(spec)}\n{modelSha}\n{bankSha}")));

    /// <summary>Records a committed shard file; <paramref name="pointsSha256"/>: the SHA-256 of the points file it read (jobs over point files).</summary>
    public static Task WriteAsync(IBlobStore destination, ShardAssignment assignment, ShardResult result, string? pointsSha256, CancellationToken cancellationToken)
    {
        var receipt = new ShardReceipt(assignment.TileId, result.Rows, result.Sha256,
            OutputIdentity(assignment.Spec, assignment.ModelSha256, assignment.BankSha256), result.Dimension, result.ModelKind ?? throw new InvalidOperationException($"shard {assignment.TileId}: a map shard's result names its model"), pointsSha256);
        return destination.WriteAllBytesAsync(ShardReceipt.BlobName(assignment.TileId), receipt.ToJsonBytes(), cancellationToken);
    }

    /// <summary>The receipts in DEST for <paramref name="output"/>, by tile; unreadable ones and other outputs' are left out (their shards are computed again).</summary>
    public static async Task<Dictionary<string, ShardReceipt>> ReadAsync(IBlobStore destination, string output, CancellationToken cancellationToken)
    {
        var names = new List<string>();
        await foreach (var entry in destination.ListAsync(ShardReceipt.Folder, cancellationToken)) names.Add(entry.Name);
        var receipts = new Dictionary<string, ShardReceipt>(StringComparer.Ordinal);
        foreach (var name in names)
        {
            ShardReceipt receipt;
            try { receipt = ShardReceipt.Parse(await destination.ReadAllBytesAsync(name, cancellationToken), $"{destination.Location}/{name}"); }
            catch (Exception e) when (e is RangeFormatException or FileNotFoundException) { continue; }
            if (receipt.Output == output && name == ShardReceipt.BlobName(receipt.Tile)) receipts[receipt.Tile] = receipt;
        }
        return receipts;
    }

    /// <summary>Every receipt in DEST.</summary>
    public static Task RemoveAllAsync(IBlobStore destination, CancellationToken cancellationToken) =>
        destination.DeleteUnderAsync(ShardReceipt.Folder, cancellationToken);
}
