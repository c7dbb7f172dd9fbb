namespace RangeOrleans.Cluster.Tests;

/// <summary>Calls a step the way a grain's timer would, every few milliseconds, until it says it has ended.</summary>
internal static class Ticks
{
    /// <param name="seen">Every value the step returned, in order.</param>
    public static async Task<T> UntilAsync<T>(Func<T> advance, Func<T, bool> ended, List<T>? seen = null)
    {
        for (int tick = 0; tick < 1000; tick++)
        {
            var value = advance();
            seen?.Add(value);
            if (ended(value)) return value;
            await Task.Delay(5);
        }
        throw new TimeoutException("the step never ended");
    }
}
