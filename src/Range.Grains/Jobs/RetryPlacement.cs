using Orleans.Runtime;
using Orleans.Runtime.Placement;

namespace RangeOrleans.Grains.Jobs;

/// <summary>
/// Where a shard that failed for its silo's own reason (a missing credential, an unusable model cache) runs next:
/// an active silo it has not failed on. Random placement alone puts it back on the same bad silo half the time with
/// two silos; the choice reaches Orleans' placement as the request's placement hint, which random placement honours.
/// </summary>
public static class RetryPlacement
{
    /// <summary>A random active silo not in the shard's failures; null (place anywhere) if it has none, or none is left.</summary>
    public static SiloAddress? Choose(IReadOnlyCollection<string> failedOn, IReadOnlyList<SiloAddress> active, Random random)
    {
        if (failedOn.Count == 0) return null;
        var candidates = active.Where(silo => !failedOn.Contains(silo.ToString())).ToArray();
        return candidates.Length == 0 ? null : candidates[random.Next(candidates.Length)];
    }

    /// <summary>
    /// Makes <paramref name="call"/> with <paramref name="placeOn"/> as its placement hint (null: anywhere). Set in this
    /// async method's own context and removed after: the hint travels with this one call only.
    /// </summary>
    public static async Task CallAsync(SiloAddress? placeOn, Func<Task> call)
    {
        if (placeOn is not null) RequestContext.Set(IPlacementDirector.PlacementHintKey, placeOn);
        try { await call(); }
        finally
        {
            if (placeOn is not null) RequestContext.Remove(IPlacementDirector.PlacementHintKey);
        }
    }
}
