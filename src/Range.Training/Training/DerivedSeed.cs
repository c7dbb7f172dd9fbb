namespace RangeOrleans.Training.Training;

/// <summary>
/// A seed for one stream (batch order, dropout) of one epoch, derived from the run's seed by SplitMix64's
/// finaliser: the same in every process. <c>System.HashCode</c> is randomised per process, so seeding
/// from it gave every run its own batch order.
/// </summary>
public static class DerivedSeed
{
    public static int For(int seed, int epoch, RandomStream stream)
    {
        ulong z = ((ulong)(uint)seed << 32 | (uint)epoch) ^ ((ulong)stream * 0x9E3779B97F4A7C15UL);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        z ^= z >> 31;
        return (int)(z & int.MaxValue);
    }

    /// <summary>The random streams of a training run, each drawn independently of the others.</summary>
    public enum RandomStream
    {
        SatClipBatchOrder = 1,
        SatClipDropout = 2,
        MaeBatchOrder = 3,
    }
}
