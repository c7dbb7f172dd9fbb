using RangeOrleans.Abstractions;
using RangeOrleans.Core.Formats;
using RangeOrleans.Core.Jobs;
using RangeOrleans.Core.Points;
using RangeOrleans.Grains.Storage;
using RangeOrleans.Storage;
using RangeOrleans.Grains.Jobs;

namespace RangeOrleans.Grains.Maps;

/// <summary>
/// Prepares a job (on the thread pool, off the grain scheduler): hashes the checkpoint and bank, lists
/// the shards (one per non-empty tile), writes each shard's points once for file inputs, and marks
/// shards DEST already holds for the same output (a previous manifest's, or an unfinished run's receipts) whose files
/// still match their checksum as done, so a rerun computes only what is missing. Before it writes anything into DEST it claims DEST
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
        var claim = DestinationClaim.Map.Of(jobId, spec, new ArtifactIdentity(spec.Model.Checkpoint, modelSha),
            spec.Model.Bank is null ? null : new ArtifactIdentity(spec.Model.Bank, bankSha!));
        try { await DestinationClaim.Map.ClaimAsync(destination, claim, spec.Overwrite, cancellationToken); }
        catch (ArgumentException e) { throw new DestinationTakenException(e.Message, e); }

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
        var written = await ReuseFinishedShardsAsync(spec, modelSha, bankSha, destination, shards, cancellationToken);
        return new JobPlan(modelSha, bankSha, shards, written?.Dimension, written?.ModelKind);
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
            string pointsSha;
            await using (var writer = await destination.CreateAsync(blob, cancellationToken))
            {
                // Arrow's file writer needs a Position; an Azure upload stream cannot seek (this one reports where it is).
                using (var forward = new HashingWriteStream(writer.Stream))
                {
                    PointsArrowFile.Write(forward, points);
                    pointsSha = forward.Sha256();
                }
                await writer.CommitAsync(cancellationToken);
            }
            shards.Add(new ShardRecord { TileId = tileId, ExpectedRows = points.Count, PointsBlob = blob, PointsSha256 = pointsSha });
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

    /// <summary>
    /// Marks done the shards DEST already holds for this output: those a previous manifest with the same identities lists,
    /// and those an earlier run (interrupted, cancelled or failed, under any job id) left a <see cref="ShardReceipt"/> for;
    /// each only when its rows are this tile's and its file's bytes still match the SHA-256 recorded when it was written.
    /// Returns the dimension and model kind those files were written with (null when none is reused).
    /// </summary>
    private static async Task<(int Dimension, string ModelKind)?> ReuseFinishedShardsAsync(JobSpec spec, string modelSha, string? bankSha, IBlobStore destination, List<ShardRecord> shards, CancellationToken cancellationToken)
    {
        var recorded = new Dictionary<string, (long Rows, string Sha256)>(StringComparer.Ordinal);
        var byTile = shards.ToDictionary(s => s.TileId, StringComparer.Ordinal);
        (int Dimension, string ModelKind)? written = null;
        if (await destination.ExistsAsync(JobManifest.FileName, cancellationToken))
        {
            string source = $"{destination.Location}/{JobManifest.FileName}";
            var previous = JobManifest.Parse(await destination.ReadAllBytesAsync(JobManifest.FileName, cancellationToken), source);
            if (previous.Model.Sha256 == modelSha && previous.Bank?.Sha256 == bankSha && ManifestWriter.SameOutput(DestinationClaim.SpecOf(JobClaim.Of(previous), source), spec))
            {
                foreach (var shard in previous.Shards) recorded[shard.Tile] = (shard.Rows, shard.Sha256);
                written = (previous.Dimension, previous.ModelKind);
            }
        }
        foreach (var receipt in (await ShardReceipts.ReadAsync(destination, ShardReceipts.OutputIdentity(spec, modelSha, bankSha), cancellationToken)).Values)
        {
            // Point files named in the spec may have changed since: the tile's points must be the ones the shard read.
            if (!byTile.TryGetValue(receipt.Tile, out var planned) || receipt.Points != planned.PointsSha256) continue;
            recorded[receipt.Tile] = (receipt.Rows, receipt.Sha256);
            written ??= (receipt.Dimension, receipt.ModelKind);
        }
        var candidates = shards.Where(s => recorded.TryGetValue(s.TileId, out var r) && r.Rows == s.ExpectedRows).ToList();
        if (candidates.Count == 0) return null;
        var damaged = (await ShardVerifier.FindDamagedAsync(destination,
            candidates.Select(s => (s.TileId, s.OutputBlob, (string?)recorded[s.TileId].Sha256)).ToList(), cancellationToken)).ToHashSet();
        foreach (var shard in candidates.Where(s => !damaged.Contains(s.TileId)))
        {
            shard.Status = ShardStatus.Done;
            shard.Skipped = true;
            (shard.Rows, shard.Sha256) = recorded[shard.TileId];
        }
        return written;
    }
}
