using RangeOrleans.Core.Points;

namespace RangeOrleans.Core.Jobs;

/// <summary>
/// The N-point spherical Fibonacci lattice (nearly equal-area, no poles or seams): for i in [0, N),
/// z_i = 1 - (2 i + 1) / N, lat_i = asin(z_i), lon_i = 360 * frac(i / phi) - 180 with phi the golden
/// ratio (frac(i / phi) = frac(i (phi - 1)), computed so that i up to 1e9 keeps ~1e-5 degree precision).
/// Latitude decreases with i, so a tile row's points are one contiguous range of i.
/// </summary>
public sealed class FibonacciLattice : IGeneratedPoints
{
    private static readonly double s_inversePhi = (Math.Sqrt(5) - 1) / 2;

    public FibonacciLattice(long count)
    {
        if (count < 1 || count > 4_000_000_000L)
            throw new ArgumentException($"--fibonacci {count}: expected a point count between 1 and 4,000,000,000");
        Count = count;
    }

    public long Count { get; }

    public double Lon(long i)
    {
        double turns = i * s_inversePhi;
        return 360 * (turns - Math.Floor(turns)) - 180;
    }

    public double Lat(long i) => Math.Asin(1 - (2.0 * i + 1) / Count) * (180 / Math.PI);

    public IReadOnlyList<TileCount> CountPerTile(GlobeTiling tiling)
    {
        var counts = new long[tiling.Rows, tiling.Columns];
        for (int r = 0; r < tiling.Rows; r++)
        {
            var (first, last) = IndexRange(tiling, r);
            for (long i = first; i <= last; i++)
            {
                if (tiling.Row(Lat(i)) == r) counts[r, tiling.Column(Lon(i))]++;
            }
        }
        var result = new List<TileCount>();
        for (int r = 0; r < tiling.Rows; r++)
        {
            for (int c = 0; c < tiling.Columns; c++)
            {
                if (counts[r, c] > 0) result.Add(new TileCount(new Tile(c, r), counts[r, c]));
            }
        }
        return result;
    }

    /// <summary>
    /// Upper bounds: a latitude band holds N (sin north - sin south) / 2 points give or take one (z is
    /// evenly spaced), and the longitudes of consecutive indices, i / phi mod 1, spread so evenly that a
    /// column gets its share plus a few (the golden-ratio sequence's discrepancy grows as log M).
    /// </summary>
    public TileExtent Extent(GlobeTiling tiling)
    {
        double widestBand = 0;
        for (int r = 0; r < tiling.Rows; r++)
        {
            double south = -90 + 180.0 * r / tiling.Rows, north = -90 + 180.0 * (r + 1) / tiling.Rows;
            widestBand = Math.Max(widestBand, (Math.Sin(north * Math.PI / 180) - Math.Sin(south * Math.PI / 180)) / 2);
        }
        double inBand = Count * widestBand + 2;
        double largest = inBand / tiling.Columns * 1.05 + 8 + 2 * Math.Log2(inBand + 2);
        return new TileExtent(Math.Min(Count, tiling.TileCount), Math.Min(Count, (long)Math.Ceiling(largest)));
    }

    public PointSet PointsIn(GlobeTiling tiling, Tile tile)
    {
        var lon = new List<double>();
        var lat = new List<double>();
        var (first, last) = IndexRange(tiling, tile.Row);
        for (long i = first; i <= last; i++)
        {
            double y = Lat(i);
            if (tiling.Row(y) != tile.Row) continue;
            double x = Lon(i);
            if (tiling.Column(x) != tile.Column) continue;
            lon.Add(x);
            lat.Add(y);
        }
        return new PointSet(lon.ToArray(), lat.ToArray());
    }

    // Indices whose latitude may fall in the row (a margin of 2 absorbs rounding; callers filter exactly).
    private (long First, long Last) IndexRange(GlobeTiling tiling, int row)
    {
        double south = -90 + 180.0 * row / tiling.Rows, north = -90 + 180.0 * (row + 1) / tiling.Rows;
        double IndexAt(double latDegrees) => (Count * (1 - Math.Sin(latDegrees * Math.PI / 180)) - 1) / 2;
        long first = Math.Max(0, (long)Math.Floor(IndexAt(north)) - 2);
        long last = Math.Min(Count - 1, (long)Math.Ceiling(IndexAt(south)) + 2);
        return (first, last);
    }
}
