using RangeOrleans.Core.Points;

namespace RangeOrleans.Core.Jobs;

/// <summary>
/// Groups points read from files by tile, keeping each tile's points in input order. Holds every point
/// in memory (16 bytes a point): enough for datasets of tens of millions of points.
/// </summary>
public sealed class TilePartitioner(GlobeTiling tiling)
{
    private readonly SortedDictionary<Tile, (List<double> Lon, List<double> Lat)> _tiles = [];

    public long Count { get; private set; }

    public void Add(PointSet points)
    {
        for (int k = 0; k < points.Count; k++)
        {
            var tile = tiling.TileOf(points.Lon[k], points.Lat[k]);
            if (!_tiles.TryGetValue(tile, out var lists)) _tiles[tile] = lists = ([], []);
            lists.Lon.Add(points.Lon[k]);
            lists.Lat.Add(points.Lat[k]);
        }
        Count += points.Count;
    }

    /// <summary>Every non-empty tile and its points, in <see cref="Tile"/> order.</summary>
    public IEnumerable<(Tile Tile, PointSet Points)> Tiles() =>
        _tiles.Select(pair => (pair.Key, new PointSet(pair.Value.Lon.ToArray(), pair.Value.Lat.ToArray())));
}
