using Orleans.Concurrency;
using RangeOrleans.Abstractions;
using RangeOrleans.Core.Embedding;
using RangeOrleans.Core.Points;
using RangeOrleans.Grains.Jobs;
using RangeOrleans.Grains.Models;
using RangeOrleans.Grains.Storage;

namespace RangeOrleans.Grains.Embedding;

/// <summary>
/// Embeds a small batch on this silo's model replica (<see cref="ModelReplicaCache"/>: the replica a map job's shards
/// use, loaded once), in the batches <c>range embed</c> uses, so each row is what the CLI and a shard write for that point.
/// A stateless worker: every silo answers on its own replica, as many at once as it has activations. Clients call it,
/// so it checks what a job submission is checked for: the model options, the points, and this silo's allowed roots.
/// It waits for a shard slot like a shard does: embeddings share the silo's compute with the jobs it runs.
/// </summary>
[StatelessWorker]
public sealed class EmbedGrain(ModelReplicaCache replicas, AllowedRoots roots, ArtifactHashCache hashes) : Grain, IEmbedGrain
{
    public async Task<EmbedResult> EmbedAsync(EmbedRequest request)
    {
        Validate(request);
        var model = request.Model;
        roots.Require(model.Checkpoint, "--checkpoint");
        if (model.Bank is not null) roots.Require(model.Bank, "--bank");
        string modelSha = await hashes.Sha256Async(model.Checkpoint, CancellationToken.None);
        string? bankSha = model.Bank is null ? null : await hashes.Sha256Async(model.Bank, CancellationToken.None);
        using var lease = await replicas.AcquireAsync(model, modelSha, bankSha, CancellationToken.None);
        var embedder = lease.Embedder;
        var output = await Task.Run(() => EmbeddingPipeline.Embed(embedder, request.Lon, request.Lat));
        return new EmbedResult { Model = embedder.Model, Dimension = embedder.Dimension, CheckpointSha256 = modelSha, BankSha256 = bankSha, Embeddings = output };
    }

    /// <summary>ArgumentException naming the first problem: the model options, a point count over the limit, or a point off the globe.</summary>
    public static void Validate(EmbedRequest request)
    {
        if (request.Model is null) throw new ArgumentException("model: missing (checkpoint and model)");
        JobPoints.ValidateModel(request.Model);
        if (request.Lon is null || request.Lat is null || request.Lon.Length != request.Lat.Length)
            throw new ArgumentException("points: as many longitudes as latitudes are needed");
        if (request.Lon.Length > EmbedRequest.MaxPoints)
            throw new ArgumentException($"points: {request.Lon.Length:N0} points, at most {EmbedRequest.MaxPoints:N0} per request; submit a map job for more");
        for (int i = 0; i < request.Lon.Length; i++)
        {
            try { PointColumns.Validate(request.Lon[i], request.Lat[i], "points", $"point {i}"); }
            catch (Core.Formats.RangeFormatException e) { throw new ArgumentException(e.Message); }
        }
    }
}
