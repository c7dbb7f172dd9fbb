using System.Net;
using Orleans.Runtime;
using RangeOrleans.Grains.Jobs;

namespace RangeOrleans.Cluster.Tests;

/// <summary>A shard that failed for its silo's own reason is placed next on an active silo it has not failed on.</summary>
public sealed class RetryPlacementTests
{
    private static readonly SiloAddress A = SiloAddress.New(new IPEndPoint(IPAddress.Loopback, 11111), 1);
    private static readonly SiloAddress B = SiloAddress.New(new IPEndPoint(IPAddress.Loopback, 11112), 1);
    private static readonly SiloAddress C = SiloAddress.New(new IPEndPoint(IPAddress.Loopback, 11113), 1);

    [Fact]
    public void AShardThatNeverFailedOnASiloIsPlacedAnywhere() =>
        Assert.Null(RetryPlacement.Choose([], [A, B], new Random(1)));

    [Fact]
    public void AShardIsNeverPlacedBackOnASiloItFailedOn()
    {
        var random = new Random(1);
        var chosen = Enumerable.Range(0, 200).Select(_ => RetryPlacement.Choose([B.ToString()], [A, B, C], random)).ToHashSet();
        Assert.Equal(new HashSet<SiloAddress?> { A, C }, chosen); // both others are used, B never
    }

    [Fact]
    public void WhenEveryActiveSiloFailedItThePlacementIsLeftToOrleans() =>
        Assert.Null(RetryPlacement.Choose([A.ToString(), B.ToString()], [A, B], new Random(1)));
}
