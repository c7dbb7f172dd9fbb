using Microsoft.Extensions.Logging;
using RangeOrleans.Abstractions;

namespace RangeOrleans.Grains.Jobs;

/// <summary>
/// What running shards say: each one reports when it ends (<see cref="ShardChangedAsync"/>: applied at once, and a
/// tick follows within milliseconds to refill its slot), and a tick polls those not heard from for a
/// <see cref="CoordinatorOptions.PollInterval"/>, which finds the shards whose silo died (and any lost report).
/// </summary>
public sealed partial class JobCoordinatorGrain
{
    private readonly Dictionary<string, DateTime> _heardAt = [];
    private IGrainTimer? _tickSoon;

    public async Task ShardChangedAsync(string tileId, ShardProgress progress)
    {
        if (S.CleanupPending)
        {
            TickSoon(); // a cancelled job waits for its shards to stop
            return;
        }
        if (S.State != JobState.Running || _finishing is not null) return;
        if (_table.Find(tileId) is not { Status: ShardStatus.Running } shard) return;
        // A failure of an earlier attempt says nothing about the one running now; a result is a result.
        if (progress.State != ShardRunState.Done && progress.Attempt != shard.Attempts) return;
        await ApplyAsync(shard, progress, null);
        TickSoon();
    }

    /// <summary>Runs a tick as soon as the grain is free (reports that arrive meanwhile share it), unless one is already due.</summary>
    private void TickSoon()
    {
        if (_tickSoon is not null || !TimerRunning) return;
        _tickSoon = this.RegisterGrainTimer(async cancellationToken =>
        {
            _tickSoon?.Dispose();
            _tickSoon = null;
            await TickAsync(cancellationToken);
        }, new GrainTimerCreationOptions(TimeSpan.Zero, Timeout.InfiniteTimeSpan));
    }

    private async Task PollDueShardsAsync()
    {
        var now = DateTime.UtcNow;
        var due = _table.Running.Where(s => !_heardAt.TryGetValue(s.TileId, out var heard) || now - heard >= Options.PollInterval).ToList();
        if (due.Count == 0) return;
        var polls = await Task.WhenAll(due.Select(PollAsync));
        foreach (var (shard, progress, failure) in polls)
        {
            if (S.State != JobState.Running) return;
            if (shard.Status == ShardStatus.Running) await ApplyAsync(shard, progress, failure);
        }
    }

    private async Task<(ShardRecord Shard, ShardProgress? Progress, Exception? Failure)> PollAsync(ShardRecord shard)
    {
        try { return (shard, await Shard(shard).GetProgressAsync().WaitAsync(Options.PollTimeout), null); }
        catch (Exception e) when (IsTransient(e)) { return (shard, null, e); }
    }

    /// <summary>Applies what a running shard reported (or that its poll failed) to the shard table.</summary>
    private async Task ApplyAsync(ShardRecord shard, ShardProgress? progress, Exception? failure)
    {
        if (progress is { State: ShardRunState.Running })
        {
            _rowsInProgress[shard.TileId] = progress.RowsDone;
            _heardAt[shard.TileId] = DateTime.UtcNow;
            return;
        }
        _rowsInProgress.Remove(shard.TileId);
        _heardAt.Remove(shard.TileId);
        if (progress is { State: ShardRunState.Done, Result: { } result })
        {
            if (result.Rows != shard.ExpectedRows)
            {
                await FailAsync($"shard {shard.TileId} wrote {result.Rows} rows, expected {shard.ExpectedRows}");
                return;
            }
            _table.Done(shard, result.Rows, result.Sha256);
            S.Dimension = result.Dimension;
            S.ModelKind = result.ModelKind;
            return;
        }
        if (progress is { State: ShardRunState.Failed, SiloDependent: true, Silo: { } failedOn })
        {
            _table.SiloFailed(shard, failedOn);
            var active = await ActiveSiloAddressesAsync();
            if ((active.Count > 0 && active.All(silo => shard.FailedOnSilos.Contains(silo.ToString()))) || shard.SiloFailures >= 4 * Options.MaxAttempts)
            {
                await FailAsync($"shard {shard.TileId}: no silo could run it (failed on {string.Join(", ", shard.FailedOnSilos)}); last: {progress.Error}");
                return;
            }
            logger.LogWarning("Job {Job}: shard {Tile} will be retried on another silo: {Reason}", JobId, shard.TileId, progress.Error);
            S.Retries++;
            return;
        }
        if (progress is { State: ShardRunState.Failed, Permanent: true })
        {
            await FailAsync($"shard {shard.TileId}: {progress.Error}");
            return;
        }
        // Failed for a transient reason, Idle (a new activation: its silo died), or the poll itself failed.
        string why = failure?.Message ?? progress?.Error ?? "its activation was lost (silo gone)";
        logger.LogWarning("Job {Job}: shard {Tile} attempt {Attempt} will be retried: {Reason}", JobId, shard.TileId, shard.Attempts, why);
        _table.Retry(shard);
        S.Retries++;
    }
}
