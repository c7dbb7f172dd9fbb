using Orleans.Runtime;
using Orleans.Storage;
using RangeOrleans.Grains.Storage;

namespace RangeOrleans.Grains.Jobs;

/// <summary>
/// Stores a coordinator's <see cref="ShardTable"/> in the grain store as pages ("shards-N" of the job's grain, see
/// <see cref="GrainStatePages{TPage}"/>), so a state write costs the pages that changed, not the whole table.
/// </summary>
public sealed class ShardTableStore(IGrainStorage storage, GrainId job)
{
    private readonly GrainStatePages<ShardPage> _pages = new(storage, job, "shards");

    /// <summary>The table stored in <paramref name="pageCount"/> pages; a page missing from the store is an error.</summary>
    public async Task<ShardTable> LoadAsync(int pageCount)
    {
        var pages = await _pages.ReadAsync(pageCount);
        var rows = new List<ShardRecord>(pageCount * ShardTable.PageSize);
        for (int page = 0; page < pageCount; page++)
        {
            if (pages[page] is not { } stored) throw new InvalidOperationException($"page {page} of the shard table of job '{job}' is missing from the grain store");
            rows.AddRange(stored.Shards);
        }
        return new ShardTable(rows);
    }

    /// <summary>Writes the pages of <paramref name="table"/> that changed since they were last written (all at once).</summary>
    public async Task WriteChangedAsync(ShardTable table)
    {
        var dirty = table.DirtyPages.ToList();
        await _pages.WriteAsync(dirty.Select(page => (page, new ShardPage { Shards = table.Page(page) })).ToList());
        foreach (int page in dirty) table.Saved(page); // only once every write landed: a failed save writes them all again
    }

    /// <summary>Deletes pages 0 to <paramref name="pageCount"/> - 1 from the store (a retired job's table).</summary>
    public Task ClearAsync(int pageCount) => _pages.ClearAsync(Enumerable.Range(0, pageCount).ToList());
}
