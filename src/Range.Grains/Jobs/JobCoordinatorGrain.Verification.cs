using Microsoft.Extensions.Logging;

namespace RangeOrleans.Grains.Jobs;

/// <summary>
/// A new activation trusts no file: the shards its table says are done are hashed again (off the scheduler, a few files
/// at a time, <see cref="ShardVerifier"/>) while the pending shards are dispatched, and before the manifest is written.
/// </summary>
public sealed partial class JobCoordinatorGrain
{
    private Task<List<string>>? _verifying;
    private bool _verified;

    /// <summary>
    /// Once per activation: re-hash the files of shards the table says are done (off the scheduler) and put the damaged
    /// ones back to pending. False while the check runs (dispatch goes on; completion waits for it).
    /// </summary>
    private async Task<bool> VerifyDoneShardsAsync()
    {
        if (_verified) return true;
        if (_verifying is null)
        {
            var done = _table.Rows.Where(s => s.Status == ShardStatus.Done).Select(s => (s.TileId, s.OutputBlob, s.Sha256)).ToList();
            if (done.Count == 0) { _verified = true; return true; }
            var destination = stores.Open(S.Spec!.Destination);
            _verifying = Task.Run(() => ShardVerifier.FindDamagedAsync(destination, done, CancellationToken.None));
        }
        if (!_verifying.IsCompleted) return false;
        var verifying = _verifying;
        _verifying = null;
        if (verifying.IsFaulted)
        {
            logger.LogWarning("Job {Job}: checking finished shards failed ({Error}); will try again", JobId, verifying.Exception!.InnerException!.Message);
            return false;
        }
        _verified = true;
        var damaged = verifying.Result.ToHashSet();
        if (damaged.Count == 0) return true;
        foreach (var tile in damaged) if (_table.Find(tile) is { } shard) _table.Redo(shard);
        logger.LogWarning("Job {Job}: {Count} finished shard file(s) missing or not matching their SHA-256 ({Tiles}); recomputing them",
            JobId, damaged.Count, string.Join(", ", damaged.Order(StringComparer.Ordinal).Take(10)));
        await SaveAsync();
        return true;
    }
}
