using Microsoft.Extensions.Logging;
using RangeOrleans.Abstractions;

namespace RangeOrleans.Grains.Jobs;

/// <summary>
/// Starting shards: as many pending ones as free slots allow, recorded running in one write, then started all at once
/// (one grain call each, in parallel).
/// </summary>
public sealed partial class JobCoordinatorGrain
{
    private async Task DispatchAsync()
    {
        int capacity = await ActiveSilosAsync() * Math.Max(1, Options.ShardsInFlightPerSilo);
        var silos = await ActiveSiloAddressesAsync(); // the list just counted (asked at most every 5 s)
        var starting = _table.NextPending(Math.Max(0, capacity - _table.RunningCount));
        if (starting.Count == 0) return;
        // Attempts that failed for their silo's own reason were retried elsewhere and do not count here.
        if (starting.FirstOrDefault(s => s.Attempts - s.SiloFailures >= Options.MaxAttempts) is { } exhausted)
        {
            await FailAsync($"shard {exhausted.TileId} failed {exhausted.Attempts} times");
            return;
        }
        if (S.RateStartedAt is null)
        {
            S.RateStartedAt = DateTimeOffset.UtcNow;
            S.RateStartPoints = DonePoints();
        }
        foreach (var shard in starting) _table.Start(shard);
        // Recorded before they start: a coordinator that dies in between leaves them "running" (its successor
        // polls them and finds them idle), never started but unrecorded (a cancel would not stop them).
        try { await SaveAsync(); }
        catch
        {
            foreach (var shard in starting) _table.Unstart(shard);
            throw;
        }
        var started = DateTime.UtcNow;
        foreach (var (shard, failure) in await Task.WhenAll(starting.Select(async shard =>
            (shard, await TryStartAsync(RetryPlacement.Choose(shard.FailedOnSilos, silos, Random.Shared), () => Shard(shard).StartAsync(Assignment(shard)))))))
        {
            if (failure is null)
            {
                _heardAt[shard.TileId] = started; // polled a PollInterval after its start, unless it reports sooner
                continue;
            }
            if (shard.Status != ShardStatus.Running) continue;
            // Not a run: until membership declares a killed silo dead, starts placed there fail within
            // milliseconds, and counting them would exhaust MaxAttempts in seconds. A start that did reach
            // a live shard grain is harmless to repeat: StartAsync of a running shard returns its progress.
            // Nor is it counted in the job's retries (re-runs of shards only); it may still have begun a run.
            _table.StartFailed(shard);
            logger.LogWarning("Job {Job}: starting shard {Tile} failed ({Error}); will start it again", JobId, shard.TileId, failure.Message);
        }
    }

    private ShardAssignment Assignment(ShardRecord shard) => new()
    {
        JobId = JobId,
        TileId = shard.TileId,
        Attempt = shard.Attempts,
        Spec = S.Spec!,
        OutputBlob = shard.OutputBlob,
        PointsBlob = shard.PointsBlob,
        ModelSha256 = S.ModelSha256!,
        BankSha256 = S.BankSha256,
        ExpectedRows = shard.ExpectedRows,
    };
}
