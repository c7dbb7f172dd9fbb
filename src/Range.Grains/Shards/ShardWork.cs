using RangeOrleans.Abstractions;
using RangeOrleans.Core.Embedding;
using RangeOrleans.Core.Formats.Arrow;
using RangeOrleans.Core.Jobs;
using RangeOrleans.Core.Points;
using RangeOrleans.Grains.Jobs;
using RangeOrleans.Grains.Models;
using RangeOrleans.Grains.Storage;

namespace RangeOrleans.Grains.Shards;

/// <summary>
/// Computes one shard (runs on the thread pool): its points (regenerated, or read from the job's
/// points blob), the silo's model replica, and an Arrow file streamed to the destination with its
/// SHA-256 computed on the way, committed only when complete. The assignment's locations are checked against this
/// silo's roots before any is opened: the job grain checked them on its own silo, and this silo decides for itself.
/// </summary>
public sealed class ShardWork(IBlobStoreFactory stores, ModelReplicaCache replicas, AllowedRoots roots) : IShardRunner
{
    public async Task<ShardResult> RunAsync(ShardAssignment assignment, IProgress<long> progress, CancellationToken cancellationToken)
    {
        roots.Require(assignment.Spec);
        var destination = stores.Open(assignment.Spec.Destination);
        var points = await PointsAsync(assignment, destination, cancellationToken);
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
        return new ShardResult { Blob = assignment.OutputBlob, Rows = rows, Sha256 = sha, Dimension = embedder.Dimension, ModelKind = embedder.Model };
    }

    private static async Task<PointSet> PointsAsync(ShardAssignment assignment, RangeOrleans.Storage.IBlobStore destination, CancellationToken cancellationToken)
    {
        if (assignment.PointsBlob is null)
        {
            var tiling = JobPoints.Tiling(assignment.Spec);
            var generated = JobPoints.Generated(assignment.Spec.Points)!;
            return generated.PointsIn(tiling, tiling.ParseId(assignment.TileId));
        }
        await using var stream = await destination.OpenReadAsync(assignment.PointsBlob, cancellationToken);
        using var buffer = new MemoryStream();
        await stream.CopyToAsync(buffer, cancellationToken);
        buffer.Position = 0;
        return PointsArrowFile.Read(buffer, $"{destination.Location}/{assignment.PointsBlob}");
    }
}
