using Microsoft.Extensions.Logging;
using RangeOrleans.Abstractions;

namespace RangeOrleans.Grains.Jobs;

/// <summary>A cancelled or failed job: its running shards are stopped, then what unfinished attempts left is removed.</summary>
public sealed partial class JobCoordinatorGrain
{
    private readonly HashSet<string> _stopped = []; // shards seen stopped during this activation's cleanup

    /// <summary>
    /// A cancelled job: once the planner has finished (it may still be writing _work/), asks every shard that may
    /// still run to stop: those the table shows running, and unfinished ones started before (a run whose poll failed
    /// may live on). True when none runs any more.
    /// </summary>
    protected override async Task<bool> StopRunningAsync()
    {
        if (_preparing is { IsCompleted: false }) return false;
        _preparing = null;
        var running = _table.Rows.Where(s => s.Status == ShardStatus.Running || (s.Status == ShardStatus.Pending && (s.Attempts > 0 || s.StartFailed) && !_stopped.Contains(s.TileId))).ToList();
        if (running.Count == 0) return true;
        // A shard whose silo is gone (no answer) runs nowhere any more.
        var stops = await StopEachAsync(running, shard => Shard(shard).CancelAsync(), shard => Shard(shard).GetProgressAsync());
        bool stillRunning = false;
        foreach (var (shard, progress) in stops)
        {
            if (progress is { State: ShardRunState.Running })
            {
                stillRunning = true; // it stops at its next batch
                continue;
            }
            _stopped.Add(shard.TileId);
            logger.LogInformation("Job {Job}: shard {Tile} stopped ({State} on {Silo})", JobId, shard.TileId, progress?.State.ToString() ?? "silo gone", progress?.Silo ?? "-");
            if (shard.Status != ShardStatus.Running) continue; // an earlier run, stopped now
            // Finished before it saw the cancel: its file is complete, keep it listed.
            if (progress is { State: ShardRunState.Done, Result: { } result } && result.Rows == shard.ExpectedRows) _table.Done(shard, result.Rows, result.Sha256);
            else _table.Retry(shard);
        }
        if (HasUnsavedChanges) await SaveAsync();
        return !stillRunning;
    }

    /// <summary>What unfinished attempts left (partial files, staged blocks) and the _work/ blobs.</summary>
    protected override Func<Task> TemporaryDataRemoval()
    {
        var destination = stores.Open(S.Spec!.Destination);
        return () => RemoveTemporaryBlobsAsync(destination);
    }
}
