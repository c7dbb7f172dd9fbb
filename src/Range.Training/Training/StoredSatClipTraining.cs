using RangeOrleans.Core.Formats;
using RangeOrleans.Core.Formats.Checkpoint;
using RangeOrleans.Storage;
using RangeOrleans.Training.Data;

namespace RangeOrleans.Training.Training;

/// <summary>
/// <see cref="SatClipTrainer"/> with its checkpoints in a blob store (a local folder or az://): the loop runs in
/// a local work folder; after each epoch the optimiser side file is uploaded, then <c>last.ckpt</c> (each
/// committed atomically, the checkpoint last, so a stored checkpoint always has its optimiser state), then
/// older optimiser blobs are deleted. Every run first downloads the stored checkpoint and its optimiser file (when
/// there is one) into the work folder and resumes after its last epoch.
/// </summary>
public static class StoredSatClipTraining
{
    /// <param name="onResumed">Called once before training with the epochs the stored checkpoint has finished (0: none stored).</param>
    public static IReadOnlyList<EpochReport> Train(
        IGeoTileDataset data,
        SatClipTrainingOptions options,
        IBlobStore store,
        string workFolder,
        Action<EpochReport>? onEpoch = null,
        Action<int>? onResumed = null,
        CancellationToken cancellationToken = default)
    {
        Directory.CreateDirectory(workFolder);
        int finished = DownloadAsync(store, workFolder, cancellationToken).GetAwaiter().GetResult();
        onResumed?.Invoke(finished);
        return SatClipTrainer.Train(data, options, workFolder, onEpoch, cancellationToken,
            (optimizer, checkpoint) => UploadAsync(store, optimizer, checkpoint, cancellationToken).GetAwaiter().GetResult());
    }

    /// <summary>
    /// Copies the stored <c>last.ckpt</c> and the optimiser file it names into <paramref name="workFolder"/> and returns
    /// the epochs it has finished (0, and nothing copied, when none is stored).
    /// </summary>
    public static async Task<int> DownloadAsync(IBlobStore store, string workFolder, CancellationToken cancellationToken = default)
    {
        if (!await store.ExistsAsync(SatClipTrainer.CheckpointFile, cancellationToken)) return 0;
        var checkpointPath = Path.Combine(workFolder, SatClipTrainer.CheckpointFile);
        await DownloadFileAsync(store, SatClipTrainer.CheckpointFile, checkpointPath, cancellationToken);
        var checkpoint = TorchCheckpointReader.Read(checkpointPath);
        if (checkpoint.GetEntry(SatClipCheckpoint.OptimizerFileEntry) is string optimizerFile)
        {
            var name = Path.GetFileName(optimizerFile);
            if (!await store.ExistsAsync(name, cancellationToken))
                throw new RangeFormatException($"{store.Location}/{SatClipTrainer.CheckpointFile}", $"its optimiser state '{name}' is missing from {store.Location}");
            await DownloadFileAsync(store, name, Path.Combine(workFolder, name), cancellationToken);
        }
        return SatClipCheckpoint.FinishedEpochs(checkpoint);
    }

    private static async Task UploadAsync(IBlobStore store, string optimizerPath, string checkpointPath, CancellationToken cancellationToken)
    {
        var optimizerName = Path.GetFileName(optimizerPath);
        await UploadFileAsync(store, optimizerPath, optimizerName, cancellationToken);
        await UploadFileAsync(store, checkpointPath, SatClipTrainer.CheckpointFile, cancellationToken);
        // The epoch is stored: its cleanup is not cancelled, so a cancelled run has reported every epoch it stored.
        var older = new List<string>();
        await foreach (var blob in store.ListAsync("epoch-", CancellationToken.None))
        {
            if (blob.Name != optimizerName && blob.Name.EndsWith(".optim", StringComparison.Ordinal)) older.Add(blob.Name);
        }
        foreach (var name in older) await store.DeleteAsync(name, CancellationToken.None);
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
