namespace RangeOrleans.Core.Embedding;

/// <summary>
/// Cuts points into chunks of exactly <c>height</c> rows, padding the last one by repeating its final point.
/// BLAS picks its kernels and summation order by the height of a product, so a point's embedding computed
/// in a chunk of 3 rows differs in the last bits from the same point in a chunk of 1,024. Computing every
/// chunk at one height makes each row depend on its point alone: a map shard, `range embed` and a rerun
/// with another batch size write bit-identical rows.
/// </summary>
internal ref struct FixedHeightChunks
{
    private readonly ReadOnlySpan<double> _lon;
    private readonly ReadOnlySpan<double> _lat;
    private readonly int _height;
    private double[]? _padLon;
    private double[]? _padLat;

    public FixedHeightChunks(ReadOnlySpan<double> lon, ReadOnlySpan<double> lat, int height)
    {
        _lon = lon;
        _lat = lat;
        _height = height;
    }

    /// <summary>The chunk starting at <paramref name="start"/>: <c>height</c> points, of which the returned count are real.</summary>
    public int Chunk(int start, out ReadOnlySpan<double> lon, out ReadOnlySpan<double> lat)
    {
        int n = Math.Min(_height, _lon.Length - start);
        if (n == _height)
        {
            lon = _lon.Slice(start, n);
            lat = _lat.Slice(start, n);
            return n;
        }
        _padLon ??= new double[_height];
        _padLat ??= new double[_height];
        _lon.Slice(start, n).CopyTo(_padLon);
        _lat.Slice(start, n).CopyTo(_padLat);
        _padLon.AsSpan(n).Fill(_lon[start + n - 1]);
        _padLat.AsSpan(n).Fill(_lat[start + n - 1]);
        lon = _padLon;
        lat = _padLat;
        return n;
    }
}
