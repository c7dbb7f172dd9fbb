using Orleans.Runtime;
using Orleans.Storage;

namespace RangeOrleans.Grains.Storage;

/// <summary>
/// A grain's large state kept as numbered pages, each a grain state of its own ("PREFIX-N"; Redis: one key per page), so
/// that a change costs the pages it touched, not the whole state. Each page keeps its own ETag: a page written by another
/// activation fails the next write with <see cref="InconsistentStateException"/>, and the grain then reloads.
/// Calls run on the grain's scheduler, up to <see cref="Parallel"/> storage calls in flight at once.
/// </summary>
public sealed class GrainStatePages<TPage>(IGrainStorage storage, GrainId grain, string prefix)
    where TPage : class, new()
{
    // Pages read or written at once (loading a 100,000-shard table reads 3,125 pages).
    private const int Parallel = 32;

    private readonly Dictionary<int, GrainState<TPage>> _pages = [];

    private string StateName(int page) => $"{prefix}-{page}";

    /// <summary>Pages 0 to <paramref name="count"/> - 1 as stored; null for a page the store does not hold.</summary>
    public async Task<TPage?[]> ReadAsync(int count)
    {
        var pages = new TPage?[count];
        await InBatchesAsync(Enumerable.Range(0, count).ToList(), async page =>
        {
            var state = await ReadStateAsync(page);
            _pages[page] = state;
            pages[page] = state.RecordExists ? state.State : null;
        });
        return pages;
    }

    /// <summary>Writes the given pages, all at once.</summary>
    public Task WriteAsync(IReadOnlyCollection<(int Page, TPage Value)> pages) =>
        InBatchesAsync(pages.ToList(), async item =>
        {
            // The first write of a page in this activation needs its stored ETag (it may have been written before).
            if (!_pages.TryGetValue(item.Page, out var state))
            {
                state = await ReadStateAsync(item.Page);
                _pages[item.Page] = state;
            }
            state.State = item.Value;
            await storage.WriteStateAsync(StateName(item.Page), grain, state);
        });

    /// <summary>Deletes the given pages from the store.</summary>
    public Task ClearAsync(IReadOnlyCollection<int> pages) =>
        InBatchesAsync(pages.ToList(), async page =>
        {
            // Clearing needs the stored ETag, as writing does.
            if (!_pages.TryGetValue(page, out var state)) state = await ReadStateAsync(page);
            if (state.RecordExists) await storage.ClearStateAsync(StateName(page), grain, state);
            _pages[page] = state;
        });

    private static async Task InBatchesAsync<T>(List<T> items, Func<T, Task> work)
    {
        for (int start = 0; start < items.Count; start += Parallel)
            await Task.WhenAll(items.Skip(start).Take(Parallel).Select(work));
    }

    private async Task<GrainState<TPage>> ReadStateAsync(int page)
    {
        var state = new GrainState<TPage>(new TPage());
        await storage.ReadStateAsync(StateName(page), grain, state);
        return state;
    }
}
