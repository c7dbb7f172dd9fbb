namespace RangeOrleans.Grains.Jobs;

/// <summary>
/// A coordinator's shard table in memory, with what each tick needs at hand instead of scanning every shard: the
/// pending shards in table order, the running ones, the counts and points done, and which pages
/// (<see cref="PageSize"/> rows each, stored by <see cref="ShardTableStore"/>) changed since they were last saved.
/// Every change to a row goes through this class, so no change escapes the dirty pages.
/// </summary>
public sealed class ShardTable
{
    /// <summary>
    /// Rows per stored page: a state write carries the pages its changes touched, not the whole table. Small, so a write
    /// stays close to what changed (a page is about 8 KB of JSON); shards start in table order, so a tick's changes
    /// share few pages.
    /// </summary>
    public const int PageSize = 32;

    private readonly List<ShardRecord> _rows;
    private readonly Dictionary<string, int> _byTile;
    private readonly SortedSet<int> _pending = [];
    private readonly HashSet<int> _running = [];
    private readonly HashSet<int> _dirtyPages = [];

    public ShardTable(List<ShardRecord> rows)
    {
        _rows = rows;
        _byTile = new Dictionary<string, int>(rows.Count, StringComparer.Ordinal);
        for (int i = 0; i < rows.Count; i++)
        {
            var row = rows[i];
            _byTile[row.TileId] = i;
            TotalPoints += row.ExpectedRows;
            if (row.Skipped) SkippedShards++;
            switch (row.Status)
            {
                case ShardStatus.Pending: _pending.Add(i); break;
                case ShardStatus.Running: _running.Add(i); break;
                case ShardStatus.Done: DoneShards++; DonePoints += row.Rows; break;
            }
        }
    }

    public IReadOnlyList<ShardRecord> Rows => _rows;

    public int Count => _rows.Count;

    public int PageCount => (_rows.Count + PageSize - 1) / PageSize;

    public int DoneShards { get; private set; }

    public long DonePoints { get; private set; }

    public int SkippedShards { get; private set; }

    public long TotalPoints { get; }

    public int RunningCount => _running.Count;

    public bool AllDone => DoneShards == _rows.Count;

    public IEnumerable<ShardRecord> Running => _running.Select(i => _rows[i]);

    /// <summary>Up to <paramref name="count"/> pending shards, first in table order (a retried shard goes before fresh ones after it).</summary>
    public List<ShardRecord> NextPending(int count) => _pending.Take(count).Select(i => _rows[i]).ToList();

    public ShardRecord? Find(string tileId) => _byTile.TryGetValue(tileId, out int i) ? _rows[i] : null;

    /// <summary>Pages changed since <see cref="Saved"/> was last told about them.</summary>
    public IReadOnlyCollection<int> DirtyPages => _dirtyPages;

    /// <summary>The rows of page <paramref name="page"/>.</summary>
    public List<ShardRecord> Page(int page) => _rows.GetRange(page * PageSize, Math.Min(PageSize, _rows.Count - page * PageSize));

    public void Saved(int page) => _dirtyPages.Remove(page);

    public void MarkAllDirty()
    {
        for (int page = 0; page < PageCount; page++) _dirtyPages.Add(page);
    }

    /// <summary>A new attempt of a pending shard begins.</summary>
    public void Start(ShardRecord shard)
    {
        shard.Attempts++;
        Move(shard, ShardStatus.Running);
    }

    /// <summary>A start that never reached a shard: the attempt does not count.</summary>
    public void Unstart(ShardRecord shard)
    {
        shard.Attempts--;
        Move(shard, ShardStatus.Pending);
    }

    /// <summary>A start call that failed: the attempt does not count, but it may have begun a run that left a partial file.</summary>
    public void StartFailed(ShardRecord shard)
    {
        shard.StartFailed = true;
        Unstart(shard);
    }

    /// <summary>
    /// An attempt that failed for its silo's own reason (<see cref="SiloDependentFailures"/>) on <paramref name="silo"/>:
    /// run it again under a fresh shard grain id (see <see cref="ShardRecord.SiloFailures"/>), placed afresh.
    /// </summary>
    public void SiloFailed(ShardRecord shard, string silo)
    {
        shard.SiloFailures++;
        if (!shard.FailedOnSilos.Contains(silo)) shard.FailedOnSilos.Add(silo);
        Move(shard, ShardStatus.Pending);
    }

    /// <summary>An attempt that ended without a file (failed, lost with its silo, stopped): run it again.</summary>
    public void Retry(ShardRecord shard) => Move(shard, ShardStatus.Pending);

    public void Done(ShardRecord shard, long rows, string sha256)
    {
        Move(shard, ShardStatus.Done);
        shard.Rows = rows;
        shard.Sha256 = sha256;
        DonePoints += rows;
    }

    /// <summary>A done shard whose file is missing or damaged: computed again.</summary>
    public void Redo(ShardRecord shard)
    {
        Move(shard, ShardStatus.Pending);
        if (shard.Skipped) SkippedShards--;
        shard.Skipped = false;
        shard.Rows = 0;
        shard.Sha256 = null;
    }

    private void Move(ShardRecord shard, ShardStatus status)
    {
        int i = _byTile[shard.TileId];
        switch (shard.Status)
        {
            case ShardStatus.Pending: _pending.Remove(i); break;
            case ShardStatus.Running: _running.Remove(i); break;
            case ShardStatus.Done: DoneShards--; DonePoints -= shard.Rows; break;
        }
        shard.Status = status;
        switch (status)
        {
            case ShardStatus.Pending: _pending.Add(i); break;
            case ShardStatus.Running: _running.Add(i); break;
            case ShardStatus.Done: DoneShards++; break;
        }
        _dirtyPages.Add(i / PageSize);
    }
}
