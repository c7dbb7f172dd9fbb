using System.Text.Json;
using System.Text.Json.Serialization;
using RangeOrleans.Abstractions;
using RangeOrleans.Core.Jobs;
using RangeOrleans.Storage;
using RangeOrleans.Grains.Jobs;

namespace RangeOrleans.Grains.Maps;

/// <summary>Builds and stores DEST/manifest.json from a finished coordinator state and its shard table.</summary>
public static class ManifestWriter
{
    public static readonly JsonSerializerOptions SpecJson = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    public static JobManifest Build(string jobId, JobCoordinatorState state, IReadOnlyList<ShardRecord> shards) => new()
    {
        JobId = jobId,
        Spec = JsonSerializer.SerializeToElement(state.Spec!, SpecJson),
        Model = new ArtifactIdentity(state.Spec!.Model.Checkpoint, state.ModelSha256!),
        Bank = state.Spec.Model.Bank is null ? null : new ArtifactIdentity(state.Spec.Model.Bank, state.BankSha256!),
        ModelKind = state.ModelKind ?? state.Spec.Model.Model,
        Dimension = state.Dimension,
        Precision = state.Spec.Precision,
        TileDegrees = state.Spec.ShardDegrees,
        TotalRows = shards.Sum(s => s.Rows),
        CompletedAt = DateTimeOffset.UtcNow,
        Shards = shards.Select(s => new ManifestShard(s.OutputBlob, s.TileId, s.Rows, s.Sha256!)).ToList(),
    };

    public static async Task WriteAsync(IBlobStore destination, JobManifest manifest, CancellationToken cancellationToken)
    {
        await using var writer = await destination.CreateAsync(JobManifest.FileName, cancellationToken);
        await writer.Stream.WriteAsync(manifest.ToJsonBytes(), cancellationToken);
        await writer.CommitAsync(cancellationToken);
    }

    /// <summary>
    /// True when two specs produce the same shard files given equal model and bank checksums: same
    /// points, tiling, precision and model options (file locations may differ; batch size does not matter).
    /// </summary>
    public static bool SameOutput(JobSpec a, JobSpec b) => OutputKey(a) == OutputKey(b);

    /// <summary>The part of a spec that decides its shard files' bytes (with the model and bank bytes), as JSON.</summary>
    public static string OutputKey(JobSpec spec) => JsonSerializer.Serialize(
        new { spec.Points, Model = spec.Model with { Checkpoint = "", Bank = spec.Model.Bank is null ? null : "" }, spec.ShardDegrees, spec.Precision }, SpecJson);
}
