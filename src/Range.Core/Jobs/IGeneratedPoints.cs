using RangeOrleans.Core.Points;

namespace RangeOrleans.Core.Jobs;

/// <summary>
/// Points defined by a formula (a grid, a lattice): any tile's points can be regenerated
/// deterministically from the definition alone, so a shard needs only its tile id, never stored points.
/// </summary>
public interface IGeneratedPoints
{
    /// <summary>Total number of points.</summary>
    long Count { get; }

    /// <summary>Every tile that holds at least one point, with its point count, in <see cref="Tile"/> order.</summary>
    IReadOnlyList<TileCount> CountPerTile(GlobeTiling tiling);

    /// <summary>The points in <paramref name="tile"/>, always in the same order.</summary>
    PointSet PointsIn(GlobeTiling tiling, Tile tile);

    /// <summary>
    /// How many tiles hold points and how many the fullest one holds, without generating any point:
    /// exact for grids, an upper bound for lattices. For checking a job against <see cref="JobLimits"/>.
    /// </summary>
    TileExtent Extent(GlobeTiling tiling);
}

/// <summary>Tiles that hold points, and the points of the fullest one (or upper bounds of both).</summary>
public readonly record struct TileExtent(long Shards, long LargestShard);

/// <summary>How many points of a source fall in one tile.</summary>
public readonly record struct TileCount(Tile Tile, long Count);
