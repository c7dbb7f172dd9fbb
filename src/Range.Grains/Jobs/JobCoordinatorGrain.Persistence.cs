using RangeOrleans.Abstractions;

namespace RangeOrleans.Grains.Jobs;

/// <summary>
/// The coordinator's durable writes: the shard table's changed pages (<see cref="ShardTableStore"/>), then the job's
/// own small state only when one of its fields changed. Pages go first: a summary never names pages that were not written.
/// </summary>
public sealed partial class JobCoordinatorGrain
{
    private ShardTable _table = new([]);
    private ShardTableStore _tableStore = null!;
    private Summary? _summaryWritten;

    /// <summary>The fields of the stored state besides the (legacy) table: what decides whether it needs writing.</summary>
    private readonly record struct Summary(JobSpec? Spec, JobState State, string? ModelSha256, string? BankSha256, DateTimeOffset? SubmittedAt,
        DateTimeOffset? CompletedAt, string? Error, int Retries, int Dimension, string? ModelKind, bool CleanupPending, DateTimeOffset? RateStartedAt, long RateStartPoints, int ShardPages, int LegacyShards);

    private Summary CurrentSummary() => new(S.Spec, S.State, S.ModelSha256, S.BankSha256, S.SubmittedAt, S.CompletedAt, S.Error, S.Retries,
        S.Dimension, S.ModelKind, S.CleanupPending, S.RateStartedAt, S.RateStartPoints, S.ShardPages, S.Shards.Count);

    private bool HasUnsavedChanges => _table.DirtyPages.Count > 0 || CurrentSummary() != _summaryWritten;

    /// <summary>
    /// Reads the shard table the state names. A state from before the table moved into pages holds the table itself:
    /// it is moved into pages by the next write (pages first, then the state without it).
    /// </summary>
    private async Task LoadShardTableAsync()
    {
        _summaryWritten = CurrentSummary();
        if (S.Shards.Count > 0)
        {
            _table = new ShardTable(S.Shards);
            _table.MarkAllDirty();
            S.Shards = [];
            S.ShardPages = _table.PageCount;
        }
        else if (S.ShardPages > 0) _table = await _tableStore.LoadAsync(S.ShardPages);
    }

    /// <summary>A new shard table (a prepared job): every page is written by the next save.</summary>
    private void ReplaceShardTable(List<ShardRecord> shards)
    {
        _table = new ShardTable(shards);
        _table.MarkAllDirty();
        S.ShardPages = _table.PageCount;
    }

    protected override async Task WriteStateAsync()
    {
        await _tableStore.WriteChangedAsync(_table);
        var summary = CurrentSummary();
        if (summary == _summaryWritten) return;
        await base.WriteStateAsync();
        _summaryWritten = summary;
    }

    protected override async Task ClearStoredStateAsync()
    {
        // The state goes last: while it is there, it names the pages, so a clear cut short is finished by the next retire.
        await _tableStore.ClearAsync(Math.Max(S.ShardPages, _table.PageCount));
        await base.ClearStoredStateAsync();
        _table = new ShardTable([]);
        _summaryWritten = null;
    }
}
