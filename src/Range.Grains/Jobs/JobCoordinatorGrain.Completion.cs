using Microsoft.Extensions.Logging;
using RangeOrleans.Abstractions;

namespace RangeOrleans.Grains.Jobs;

/// <summary>Every shard done: the manifest written and temporary blobs removed (<see cref="JobCompletion"/>), then the job completed.</summary>
public sealed partial class JobCoordinatorGrain
{
    private JobCompletion? _finishing;

    private async Task StartCompletionAsync()
    {
        if (HasUnsavedChanges) await SaveAsync();
        var manifest = ManifestWriter.Build(JobId, S, _table.Rows);
        var destination = stores.Open(S.Spec!.Destination);
        _finishing = new JobCompletion(
            () => ManifestWriter.WriteAsync(destination, manifest, CancellationToken.None),
            async () =>
            {
                await RemoveTemporaryBlobsAsync(destination);
                await ShardReceipts.RemoveAllAsync(destination, CancellationToken.None); // the manifest lists the shards now
            },
            Options.TransientFailureLimit);
    }

    /// <summary>True while the job is completing, or when it just completed or failed.</summary>
    private async Task<bool> AdvanceCompletionAsync()
    {
        if (_finishing is null) return false;
        switch (_finishing.Advance())
        {
            case CompletionStep.Working:
                return true;
            case CompletionStep.ManifestRetrying:
                logger.LogWarning("Job {Job}: writing the manifest failed ({Error}); will retry", JobId, _finishing.Error!.Message);
                return true;
            case CompletionStep.RemovalRetrying:
                logger.LogWarning("Job {Job}: removing temporary blobs after the manifest failed ({Error}); will retry", JobId, _finishing.Error!.Message);
                return true;
            case CompletionStep.ManifestFailed:
                var error = _finishing.Error!.Message;
                _finishing = null;
                await FailAsync($"writing the manifest: {error}");
                return true;
        }
        // The registry first: if it or the state write fails transiently, the next tick lands here again.
        await Registry.UpdateAsync(JobId, JobState.Completed);
        if (_finishing.Error is { } removal)
        {
            S.Error = $"completed, but removing its temporary blobs failed: {removal.Message}";
            logger.LogError("Job {Job}: {Error}", JobId, S.Error);
        }
        S.State = JobState.Completed;
        S.CompletedAt = DateTimeOffset.UtcNow;
        await SaveAsync();
        _finishing = null;
        StopTimer();
        logger.LogInformation("Job {Job} completed: {Rows} rows in {Shards} shards", JobId, _table.DonePoints, _table.Count);
        return true;
    }
}
