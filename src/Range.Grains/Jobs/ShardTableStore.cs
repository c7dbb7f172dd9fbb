using Orleans.Runtime;
using Orleans.Storage;

namespace RangeOrleans.Grains.Jobs;

/// <summary>
/// Stores a coordinator's <see cref="ShardTable"/> in the grain store as pages, each a grain state of the job's grain
/// (Redis: one key per page), so a state write costs the pages that changed, not the whole table. Each page keeps
/// its own ETag: a page written by another activation fails the next write with
/// <see cref="InconsistentStateException"/>, and the coordinator then reloads, as it does for its own state.
/// </summary>
public sealed class ShardTableStore(IGrainStorage storage, GrainId job)
{
    // Pages read or written at once (loading a 100,000-shard table reads 3,125 pages).
    private const int Parallel = 32;

    private readonly Dictionary<int, GrainState<ShardPage>> _pages = [];

    private static string StateName(int page) => $"shards-{page}";

    /// <summary>The table stored in <paramref name="pageCount"/> pages; a page missing from the store is an error.</summary>
    public async Task<ShardTable> LoadAsync(int pageCount)
    {
        var pages = new GrainState<ShardPage>[pageCount];
        await InBatchesAsync(Enumerable.Range(0, pageCount).ToList(), async page => pages[page] = await ReadAsync(page));
        var rows = new List<ShardRecord>(pageCount * ShardTable.PageSize);
        for (int page = 0; page < pageCount; page++)
        {
            if (!pages[page].RecordExists) throw new InvalidOperationException($"page {page} of the shard table of job '{job}' is missing from the grain store");
            _pages[page] = pages[page];
            rows.AddRange(pages[page].State!.Shards);
        }
        return new ShardTable(rows);
    }

    /// <summary>Writes the pages of <paramref name="table"/> that changed since they were last written (all at once).</summary>
    public async Task WriteChangedAsync(ShardTable table)
    {
        var dirty = table.DirtyPages.ToList();
        await InBatchesAsync(dirty, page => WriteAsync(table, page));
        foreach (int page in dirty) table.Saved(page); // only once every write landed: a failed save writes them all again
    }

    private async Task WriteAsync(ShardTable table, int page)
    {
        // The first write of a page in this activation needs its stored ETag (a job prepared again overwrites old pages).
        if (!_pages.TryGetValue(page, out var state))
        {
            state = await ReadAsync(page);
            _pages[page] = state;
        }
        state.State = new ShardPage { Shards = table.Page(page) };
        await storage.WriteStateAsync(StateName(page), job, state);
    }

    /// <summary>Deletes pages 0 to <paramref name="pageCount"/> - 1 from the store (a retired job's table).</summary>
    public async Task ClearAsync(int pageCount)
    {
        await InBatchesAsync(Enumerable.Range(0, pageCount).ToList(), async page =>
        {
            // Clearing needs the stored ETag, as writing does.
            if (!_pages.TryGetValue(page, out var state)) state = await ReadAsync(page);
            if (state.RecordExists) await storage.ClearStateAsync(StateName(page), job, state);
        });
        _pages.Clear();
    }

    // On the caller's (the grain's) scheduler: up to Parallel storage calls in flight at once.
    private static async Task InBatchesAsync(List<int> pages, Func<int, Task> work)
    {
        for (int start = 0; start < pages.Count; start += Parallel)
            await Task.WhenAll(pages.Skip(start).Take(Parallel).Select(work));
    }

    private async Task<GrainState<ShardPage>> ReadAsync(int page)
    {
        var state = new GrainState<ShardPage>(new ShardPage());
        await storage.ReadStateAsync(StateName(page), job, state);
        return state;
    }
}
