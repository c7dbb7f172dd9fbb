using Microsoft.Extensions.Logging;
using RangeOrleans.Abstractions;

namespace RangeOrleans.Grains.Jobs;

/// <summary>Every shard done: DEST/manifest.json is written (off the scheduler), unfinished uploads and _work/ removed, the job completed.</summary>
public sealed partial class JobCoordinatorGrain
{
    private Task? _finishing;

    private async Task StartCompletionAsync()
    {
        if (HasUnsavedChanges) await SaveAsync();
        var manifest = ManifestWriter.Build(JobId, S, _table.Rows);
        var destination = stores.Open(S.Spec!.Destination);
        _finishing = Task.Run(async () =>
        {
            await ManifestWriter.WriteAsync(destination, manifest, CancellationToken.None);
            await RemoveTemporaryBlobsAsync(destination);
        });
    }

    /// <summary>True while the manifest is being written, or when it just was (the job then completes or fails).</summary>
    private async Task<bool> AdvanceCompletionAsync()
    {
        if (_finishing is null) return false;
        if (!_finishing.IsCompleted) return true;
        var finishing = _finishing;
        _finishing = null;
        if (finishing.IsFaulted) { await FailAsync($"writing the manifest: {finishing.Exception!.InnerException!.Message}"); return true; }
        S.State = JobState.Completed;
        S.CompletedAt = DateTimeOffset.UtcNow;
        await SaveAsync();
        await Registry.UpdateAsync(JobId, JobState.Completed);
        StopTimer();
        logger.LogInformation("Job {Job} completed: {Rows} rows in {Shards} shards", JobId, _table.DonePoints, _table.Count);
        return true;
    }
}
