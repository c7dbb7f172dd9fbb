using RangeOrleans.Core.Formats;
using RangeOrleans.Core.Formats.Checkpoint;
using RangeOrleans.Storage;
using RangeOrleans.Training.Data;

namespace RangeOrleans.Training.Training;

/// <summary>
/// <see cref="SatClipTrainer"/> with its checkpoints in a blob store (a local folder or az://): the loop runs in
/// a local work folder; after each epoch the optimiser side file is uploaded, then <c>last.ckpt</c> (each
/// committed atomically, the checkpoint last, so a stored checkpoint always has its optimiser state), then
/// older optimiser blobs are deleted. A run whose work folder lacks the checkpoint downloads both first and resumes.
/// </summary>
public static class StoredSatClipTraining
{
    public static IReadOnlyList<EpochReport> Train(
        IGeoTileDataset data,
        SatClipTrainingOptions options,
        IBlobStore store,
        string workFolder,
        Action<EpochReport>? onEpoch = null,
        CancellationToken cancellationToken = default)
    {
        Directory.CreateDirectory(workFolder);
        DownloadAsync(store, workFolder, cancellationToken).GetAwaiter().GetResult();
        return SatClipTrainer.Train(data, options, workFolder, onEpoch, cancellationToken,
            (optimizer, checkpoint) => UploadAsync(store, optimizer, checkpoint, cancellationToken).GetAwaiter().GetResult());
    }

    /// <summary>Copies the stored <c>last.ckpt</c> and the optimiser file it names into <paramref name="workFolder"/> (no-op when none is stored).</summary>
    public static async Task DownloadAsync(IBlobStore store, string workFolder, CancellationToken cancellationToken = default)
    {
        if (!await store.ExistsAsync(SatClipTrainer.CheckpointFile, cancellationToken)) return;
        var checkpointPath = Path.Combine(workFolder, SatClipTrainer.CheckpointFile);
        await DownloadFileAsync(store, SatClipTrainer.CheckpointFile, checkpointPath, cancellationToken);
        if (TorchCheckpointReader.Read(checkpointPath).GetEntry(SatClipCheckpoint.OptimizerFileEntry) is string optimizerFile)
        {
            var name = Path.GetFileName(optimizerFile);
            if (!await store.ExistsAsync(name, cancellationToken))
                throw new RangeFormatException($"{store.Location}/{SatClipTrainer.CheckpointFile}", $"its optimiser state '{name}' is missing from {store.Location}");
            await DownloadFileAsync(store, name, Path.Combine(workFolder, name), cancellationToken);
        }
    }

    private static async Task UploadAsync(IBlobStore store, string optimizerPath, string checkpointPath, CancellationToken cancellationToken)
    {
        var optimizerName = Path.GetFileName(optimizerPath);
        await UploadFileAsync(store, optimizerPath, optimizerName, cancellationToken);
        await UploadFileAsync(store, checkpointPath, SatClipTrainer.CheckpointFile, cancellationToken);
        var older = new List<string>();
        await foreach (var blob in store.ListAsync("epoch-", cancellationToken))
        {
            if (blob.Name != optimizerName && blob.Name.EndsWith(".optim", StringComparison.Ordinal)) older.Add(blob.Name);
        }
        foreach (var name in older) await store.DeleteAsync(name, cancellationToken);
    }

    /// <summary>Uploads a local file as one blob, committed only when complete.</summary>
    public static async Task UploadFileAsync(IBlobStore store, string path, string name, CancellationToken cancellationToken = default)
    {
        await using var writer = await store.CreateAsync(name, cancellationToken);
        await using (var file = File.OpenRead(path)) await file.CopyToAsync(writer.Stream, cancellationToken);
        await writer.CommitAsync(cancellationToken);
    }

    /// <summary>Downloads a blob to a local file, atomically.</summary>
    public static async Task DownloadFileAsync(IBlobStore store, string name, string path, CancellationToken cancellationToken = default)
    {
        using var pending = new PendingFile(path);
        await using (var source = await store.OpenReadAsync(name, cancellationToken))
        {
            await source.CopyToAsync(pending.Stream, cancellationToken);
        }
        pending.Commit();
    }
}
