using RangeOrleans.Abstractions;
using RangeOrleans.Core.Embedding;
using RangeOrleans.Core.Formats.Arrow;
using RangeOrleans.Core.Jobs;
using RangeOrleans.Core.Points;
using RangeOrleans.Grains.Jobs;
using RangeOrleans.Grains.Models;
using RangeOrleans.Grains.Storage;

namespace RangeOrleans.Grains.Maps;

/// <summary>
/// Computes one shard (runs on the thread pool): its points (regenerated, or read from the job's
/// points blob), the silo's model replica, and an Arrow file streamed to the destination with its
/// SHA-256 computed on the way, committed only when complete, then its <see cref="Core.Jobs.ShardReceipt"/>. The
/// assignment's locations are checked against this silo's roots before any is opened: the job grain checked them on
/// its own silo, and this silo decides for itself.
/// </summary>
public sealed class ShardWork(IBlobStoreFactory stores, ModelReplicaCache replicas, AllowedRoots roots) : IShardRunner
{
    public async Task<ShardResult> RunAsync(ShardAssignment assignment, IProgress<long> progress, CancellationToken cancellationToken)
    {
        roots.Require(assignment.Spec);
        var destination = stores.Open(assignment.Spec.Destination);
        var (points, pointsSha) = await PointsAsync(assignment, destination, cancellationToken);
        using var lease = await replicas.AcquireAsync(assignment.Spec.Model, assignment.ModelSha256, assignment.BankSha256, cancellationToken);
        var embedder = lease.Embedder;
        var precision = EmbeddingPrecisionName.Parse(assignment.Spec.Precision);
        var metadata = new Dictionary<string, string>
        {
            ["range.model"] = embedder.Model,
            ["range.job"] = assignment.JobId,
            ["range.tile"] = assignment.TileId,
            ["range.checkpoint.sha256"] = assignment.ModelSha256,
        };
        if (assignment.BankSha256 is not null) metadata["range.bank.sha256"] = assignment.BankSha256;

        var (rows, sha) = await EmbeddingBlob.WriteAsync(destination, assignment.OutputBlob, embedder.Dimension, precision, metadata,
            writer => EmbeddingPipeline.Write(embedder, points.Lon, points.Lat, writer, assignment.Spec.BatchRows, progress, cancellationToken),
            cancellationToken);
        var result = new ShardResult { Blob = assignment.OutputBlob, Rows = rows, Sha256 = sha, Dimension = embedder.Dimension, ModelKind = embedder.Model };
        // Recorded beside the file by the shard itself: a rerun onto DEST reuses it even if no coordinator ever hears of it.
        await ShardReceipts.WriteAsync(destination, assignment, result, pointsSha, CancellationToken.None); // the file is committed: a cancel now must not leave it unrecorded
        return result;
    }

    /// <summary>The shard's points, and for a job over point files the SHA-256 of the points file they came from.</summary>
    private static async Task<(PointSet Points, string? Sha256)> PointsAsync(ShardAssignment assignment, RangeOrleans.Storage.IBlobStore destination, CancellationToken cancellationToken)
    {
        if (assignment.PointsBlob is null)
        {
            var tiling = JobPoints.Tiling(assignment.Spec);
            var generated = JobPoints.Generated(assignment.Spec.Points)!;
            return (generated.PointsIn(tiling, tiling.ParseId(assignment.TileId)), null);
        }
        await using var stream = await destination.OpenReadAsync(assignment.PointsBlob, cancellationToken);
        using var buffer = new MemoryStream();
        await stream.CopyToAsync(buffer, cancellationToken);
        buffer.Position = 0;
        string sha = ContentHash.OfStream(buffer);
        buffer.Position = 0;
        return (PointsArrowFile.Read(buffer, $"{destination.Location}/{assignment.PointsBlob}"), sha);
    }
}
