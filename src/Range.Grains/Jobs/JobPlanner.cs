using RangeOrleans.Abstractions;
using RangeOrleans.Core.Formats;
using RangeOrleans.Core.Jobs;
using RangeOrleans.Core.Points;
using RangeOrleans.Grains.Storage;
using RangeOrleans.Storage;

namespace RangeOrleans.Grains.Jobs;

/// <summary>
/// Prepares a job (on the thread pool, off the grain scheduler): hashes the checkpoint and bank, lists
/// the shards (one per non-empty tile), writes each shard's points once for file inputs, and marks
/// shards that a previous manifest in DEST lists with the same identities (and whose files still
/// match their checksum) as done, so reprocessing skips them. Before it writes anything into DEST it claims DEST
/// (<see cref="DestinationClaim"/>): another spec's output there is refused, or removed if the spec says Overwrite.
/// </summary>
public static class JobPlanner
{
    private static readonly string[] s_pointFileExtensions = [".csv", ".arrow", ".feather", ".ipc"];

    public static async Task<JobPlan> PlanAsync(string jobId, JobSpec spec, IBlobStoreFactory stores, AllowedRoots roots, CancellationToken cancellationToken)
    {
        JobPoints.Validate(spec);
        string modelSha = await ArtifactLocation.Sha256Async(spec.Model.Checkpoint, stores, cancellationToken);
        string? bankSha = spec.Model.Bank is null ? null : await ArtifactLocation.Sha256Async(spec.Model.Bank, stores, cancellationToken);
        var tiling = JobPoints.Tiling(spec);
        var destination = stores.Open(spec.Destination);
        await DestinationClaim.ClaimAsync(jobId, spec, modelSha, bankSha, destination, cancellationToken);

        List<ShardRecord> shards;
        if (JobPoints.Generated(spec.Points) is { } generated)
        {
            shards = generated.CountPerTile(tiling)
                .Select(t => new ShardRecord { TileId = tiling.Id(t.Tile), ExpectedRows = t.Count })
                .ToList();
        }
        else
        {
            shards = await WriteShardPointsAsync(spec, tiling, destination, stores, roots, cancellationToken);
        }
        await SkipAlreadyProducedAsync(spec, modelSha, bankSha, destination, shards, cancellationToken);
        return new JobPlan(modelSha, bankSha, shards);
    }

    private static async Task<List<ShardRecord>> WriteShardPointsAsync(JobSpec spec, GlobeTiling tiling, IBlobStore destination, IBlobStoreFactory stores, AllowedRoots roots, CancellationToken cancellationToken)
    {
        var partitioner = new TilePartitioner(tiling);
        foreach (var input in spec.Points.Inputs)
        {
            await foreach (var path in LocalPointFilesAsync(input, stores, roots, cancellationToken))
            {
                try
                {
                    foreach (var chunk in PointsReader.ReadChunks(path.Local)) partitioner.Add(chunk);
                }
                catch (RangeFormatException e) when (path.Temporary)
                {
                    throw new RangeFormatException(path.Name, e.Message.Replace(path.Local, path.Name, StringComparison.Ordinal), e);
                }
                finally
                {
                    if (path.Temporary) File.Delete(path.Local);
                }
            }
        }
        if (partitioner.Count == 0) throw new ArgumentException($"--input {string.Join(", ", spec.Points.Inputs)}: no point files found");
        var tiles = partitioner.Tiles().ToList();
        JobPoints.ValidateShards(tiles.Count, tiles.Max(t => (long)t.Points.Count), spec.Points.Inputs);
        var shards = new List<ShardRecord>();
        foreach (var (tile, points) in tiles)
        {
            string tileId = tiling.Id(tile);
            string blob = JobPaths.PointsBlob(tileId);
            await using (var writer = await destination.CreateAsync(blob, cancellationToken))
            {
                // Arrow's file writer needs a Position; an Azure upload stream cannot seek (this one reports where it is).
                using (var forward = new HashingWriteStream(writer.Stream)) PointsArrowFile.Write(forward, points);
                await writer.CommitAsync(cancellationToken);
            }
            shards.Add(new ShardRecord { TileId = tileId, ExpectedRows = points.Count, PointsBlob = blob });
        }
        return shards;
    }

    private sealed record PointFile(string Name, string Local, bool Temporary);

    // Local files and folders are read in place; blobs are downloaded to a temporary file (PointsReader reads paths).
    // A folder's files are checked against the silo's roots one by one: a link in an allowed folder may point outside it.
    private static async IAsyncEnumerable<PointFile> LocalPointFilesAsync(string input, IBlobStoreFactory stores, AllowedRoots roots, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (!ArtifactLocation.IsBlobUri(input))
        {
            if (Directory.Exists(input))
            {
                foreach (var file in Directory.EnumerateFiles(input).Where(IsPointFile).Order(StringComparer.Ordinal))
                {
                    roots.Require(file, "--input");
                    yield return new PointFile(file, file, false);
                }
            }
            else if (File.Exists(input)) yield return new PointFile(input, input, false);
            else throw new FileNotFoundException($"--input '{input}' does not exist", input);
            yield break;
        }
        var (storeLocation, name) = ArtifactLocation.SplitBlobUri(input);
        var store = stores.Open(storeLocation);
        var names = new List<string>();
        if (await store.ExistsAsync(name, cancellationToken)) names.Add(name);
        else
        {
            await foreach (var entry in store.ListAsync(name.TrimEnd('/') + "/", cancellationToken))
                if (IsPointFile(entry.Name)) names.Add(entry.Name);
        }
        if (names.Count == 0) throw new FileNotFoundException($"--input '{input}': no such blob, and no point files under it");
        foreach (var blob in names.Order(StringComparer.Ordinal))
        {
            var local = Path.Combine(Path.GetTempPath(), "range-input-" + Guid.NewGuid().ToString("N"));
            await using (var source = await store.OpenReadAsync(blob, cancellationToken))
            await using (var file = File.Create(local))
                await source.CopyToAsync(file, cancellationToken);
            yield return new PointFile($"{storeLocation}/{blob}", local, true);
        }
    }

    private static bool IsPointFile(string name) =>
        s_pointFileExtensions.Contains(Path.GetExtension(name), StringComparer.OrdinalIgnoreCase);

    private static async Task SkipAlreadyProducedAsync(JobSpec spec, string modelSha, string? bankSha, IBlobStore destination, List<ShardRecord> shards, CancellationToken cancellationToken)
    {
        if (!await destination.ExistsAsync(JobManifest.FileName, cancellationToken)) return;
        var previous = JobManifest.Parse(await destination.ReadAllBytesAsync(JobManifest.FileName, cancellationToken), $"{destination.Location}/{JobManifest.FileName}");
        if (previous.Model.Sha256 != modelSha || previous.Bank?.Sha256 != bankSha) return;
        var previousSpec = DestinationClaim.SpecOf(JobClaim.Of(previous), $"{destination.Location}/{JobManifest.FileName}");
        if (!ManifestWriter.SameOutput(previousSpec, spec)) return;
        var listed = previous.Shards.ToDictionary(s => s.Tile);
        foreach (var shard in shards)
        {
            if (!listed.TryGetValue(shard.TileId, out var old) || old.Rows != shard.ExpectedRows) continue;
            if (!await destination.ExistsAsync(old.Name, cancellationToken)) continue;
            await using var stream = await destination.OpenReadAsync(old.Name, cancellationToken);
            if (await ContentHash.OfStreamAsync(stream, cancellationToken) != old.Sha256) continue;
            shard.Status = ShardStatus.Done;
            shard.Skipped = true;
            shard.Rows = old.Rows;
            shard.Sha256 = old.Sha256;
        }
    }
}
