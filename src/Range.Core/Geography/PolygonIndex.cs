namespace RangeOrleans.Core.Geography;

/// <summary>
/// Point-in-polygon lookup over many features, fast enough for millions of queries: a 1-degree grid
/// lists the polygons whose bounding box touches each cell, and each polygon keeps its edges bucketed
/// in thin latitude bands, so a query ray-casts (even-odd over outline and holes) only against the
/// few edges that cross its latitude. Coordinates are (lon, lat) degrees on the plate carrée plane;
/// features are expected split at the antimeridian, as Natural Earth's are. Thread-safe after construction.
/// </summary>
public sealed class PolygonIndex
{
    private const double BandHeight = 0.25;
    private readonly PreparedPolygon[] _polygons;
    private readonly int[][] _cells; // 360 x 180 one-degree cells -> polygon ids

    public PolygonIndex(IReadOnlyList<GeoFeature> features)
    {
        Features = features;
        var polygons = new List<PreparedPolygon>();
        for (int f = 0; f < features.Count; f++)
        {
            foreach (var polygon in features[f].Polygons)
                polygons.Add(new PreparedPolygon(f, polygon));
        }
        _polygons = [.. polygons];
        var cells = new List<int>[360 * 180];
        for (int p = 0; p < _polygons.Length; p++)
        {
            var q = _polygons[p];
            int x0 = CellX(q.MinLon), x1 = CellX(q.MaxLon), y0 = CellY(q.MinLat), y1 = CellY(q.MaxLat);
            for (int y = y0; y <= y1; y++)
            {
                for (int x = x0; x <= x1; x++)
                    (cells[y * 360 + x] ??= []).Add(p);
            }
        }
        _cells = Array.ConvertAll(cells, c => c is null ? [] : c.ToArray());
    }

    public IReadOnlyList<GeoFeature> Features { get; }

    /// <summary>Index in <see cref="Features"/> of the first feature containing (lon, lat), or -1.</summary>
    public int Locate(double lon, double lat)
    {
        if (!double.IsFinite(lon) || !double.IsFinite(lat)) return -1;
        foreach (int p in _cells[CellY(lat) * 360 + CellX(lon)])
        {
            if (_polygons[p].Contains(lon, lat)) return _polygons[p].Feature;
        }
        return -1;
    }

    /// <summary>The feature containing (lon, lat), or null.</summary>
    public GeoFeature? FeatureAt(double lon, double lat)
    {
        int i = Locate(lon, lat);
        return i < 0 ? null : Features[i];
    }

    public bool Contains(double lon, double lat) => Locate(lon, lat) >= 0;

    private static int CellX(double lon) => Math.Clamp((int)Math.Floor(lon + 180.0), 0, 359);

    private static int CellY(double lat) => Math.Clamp((int)Math.Floor(lat + 90.0), 0, 179);

    /// <summary>One polygon's edges (all rings) in CSR latitude bands.</summary>
    private sealed class PreparedPolygon
    {
        private readonly double[] _edges; // x1, y1, x2, y2 per edge
        private readonly int[] _bandStart;
        private readonly int[] _bandEdges;
        private readonly int _bands;

        public PreparedPolygon(int feature, GeoPolygon polygon)
        {
            Feature = feature;
            var edges = new List<double>();
            MinLon = MinLat = double.PositiveInfinity;
            MaxLon = MaxLat = double.NegativeInfinity;
            foreach (var ring in polygon.Rings)
            {
                int n = ring.Length / 2;
                double meanLat = 0;
                for (int i = 0; i < n; i++) meanLat += ring[2 * i + 1] / n;
                double pole = meanLat < 0 ? -90.0 : 90.0;
                for (int i = 0; i < n; i++)
                {
                    double x1 = ring[2 * i], y1 = ring[2 * i + 1];
                    int j = (i + 1) % n; // close the ring even if the file did not repeat the first point
                    double x2 = ring[2 * j], y2 = ring[2 * j + 1];
                    Extend(x1, y1);
                    if (Math.Abs(x2 - x1) > 180)
                    {
                        // A ring around a pole (Antarctica) closes across the whole map: on the plane it
                        // must go round by the pole instead, or the area between it and the pole is lost.
                        Extend(x1, pole);
                        AddEdge(edges, x1, y1, x1, pole);
                        AddEdge(edges, x2, pole, x2, y2);
                        continue;
                    }
                    AddEdge(edges, x1, y1, x2, y2);
                }
            }
            _edges = [.. edges];
            _bands = Math.Max(1, (int)Math.Ceiling((MaxLat - MinLat) / BandHeight) + 1);
            var counts = new int[_bands + 1];
            int edgeCount = _edges.Length / 4;
            for (int e = 0; e < edgeCount; e++)
            {
                var (b0, b1) = BandRange(e);
                for (int b = b0; b <= b1; b++) counts[b + 1]++;
            }
            for (int b = 0; b < _bands; b++) counts[b + 1] += counts[b];
            _bandStart = counts;
            _bandEdges = new int[counts[_bands]];
            var fill = (int[])counts.Clone();
            for (int e = 0; e < edgeCount; e++)
            {
                var (b0, b1) = BandRange(e);
                for (int b = b0; b <= b1; b++) _bandEdges[fill[b]++] = e;
            }
        }

        public int Feature { get; }
        public double MinLon { get; private set; }
        public double MaxLon { get; private set; }
        public double MinLat { get; private set; }
        public double MaxLat { get; private set; }

        private void Extend(double lon, double lat)
        {
            MinLon = Math.Min(MinLon, lon); MaxLon = Math.Max(MaxLon, lon);
            MinLat = Math.Min(MinLat, lat); MaxLat = Math.Max(MaxLat, lat);
        }

        private static void AddEdge(List<double> edges, double x1, double y1, double x2, double y2)
        {
            if (y1 != y2) edges.AddRange([x1, y1, x2, y2]); // horizontal edges never cross a horizontal ray
        }

        public bool Contains(double lon, double lat)
        {
            if (lon < MinLon || lon > MaxLon || lat < MinLat || lat > MaxLat) return false;
            int band = Band(lat);
            bool inside = false;
            for (int k = _bandStart[band]; k < _bandStart[band + 1]; k++)
            {
                int e = _bandEdges[k] * 4;
                double x1 = _edges[e], y1 = _edges[e + 1], x2 = _edges[e + 2], y2 = _edges[e + 3];
                if ((y1 > lat) != (y2 > lat))
                {
                    double x = x1 + (lat - y1) * (x2 - x1) / (y2 - y1);
                    if (lon < x) inside = !inside;
                }
            }
            return inside;
        }

        private int Band(double lat) => Math.Clamp((int)((lat - MinLat) / BandHeight), 0, _bands - 1);

        private (int, int) BandRange(int edge)
        {
            double y1 = _edges[edge * 4 + 1], y2 = _edges[edge * 4 + 3];
            return (Band(Math.Min(y1, y2)), Band(Math.Max(y1, y2)));
        }
    }
}
