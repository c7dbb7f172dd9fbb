using RangeOrleans.Core.Formats;
using RangeOrleans.Core.Points;

namespace RangeOrleans.Training.Data;

/// <summary>
/// The S2-100K layout: <c>index.csv</c> with (at least) <c>fn</c>, <c>lat</c>, <c>lon</c> columns in any
/// order (read by the one <see cref="CsvReader"/>; coordinate columns named as <see cref="PointColumns"/> accepts), and the GeoTIFFs in <c>images/</c> (or next to the index). Tiles are 256 x 256 x 12 uint16
/// Sentinel-2 L2A reflectances, scaled by 1/10000 as SatCLIP does; files under 10 kB hold no data and
/// are skipped, as are rows whose file is missing (<see cref="Skipped"/> counts both). Tiles can be read
/// at 256 or any size dividing it (area-averaged), decoded tiles are cached up to a memory budget.
/// </summary>
public sealed class S2Dataset : IGeoTileDataset
{
    public const string IndexFile = "index.csv";
    public const long MinimumFileBytes = 10 * 1024;
    public const int TileSide = 256;
    public const int BandCount = 12;
    public const float ReflectanceScale = 1f / 10000f;

    private readonly string[] _files;
    private readonly double[] _lon;
    private readonly double[] _lat;
    private readonly TileCache _cache;

    public S2Dataset(string folder, long cacheBytes = 1L << 30)
    {
        Folder = Path.GetFullPath(folder);
        string index = Path.Combine(Folder, IndexFile);
        if (!System.IO.File.Exists(index)) throw new FileNotFoundException($"S2 dataset folder '{Folder}' has no {IndexFile}");
        var imagesDir = Directory.Exists(Path.Combine(Folder, "images")) ? Path.Combine(Folder, "images") : Folder;
        var files = new List<string>();
        var lon = new List<double>();
        var lat = new List<double>();
        using var csv = CsvReader.Open(index);
        var (lonCol, latCol) = PointColumns.Find(csv.Header, index);
        int fnCol = csv.Column("fn");
        if (fnCol < 0) throw new RangeFormatException(index, $"header has no 'fn' column (has: {string.Join(", ", csv.Header)})");
        while (csv.ReadRow() is { } cells)
        {
            double x = csv.Number(cells[lonCol], "longitude"), y = csv.Number(cells[latCol], "latitude");
            PointColumns.Validate(x, y, index, csv.Where);
            string name = cells[fnCol];
            if (name.Length == 0 || name.Contains('/') || name.Contains('\\') || name.Contains(".."))
                throw csv.Error($"file name '{name}' must be a plain name inside the dataset");
            var path = Path.Combine(imagesDir, name);
            var info = new FileInfo(path);
            if (!info.Exists || info.Length < MinimumFileBytes)
            {
                Skipped++;
                continue;
            }
            files.Add(path);
            lon.Add(x);
            lat.Add(y);
        }
        _files = [.. files];
        _lon = [.. lon];
        _lat = [.. lat];
        _cache = new TileCache(cacheBytes);
    }

    public string Folder { get; }
    public string Name => "s2:" + Folder;
    public int Count => _files.Length;
    public int Channels => BandCount;
    public int NativeTileSize => TileSide;

    /// <summary>Index rows left out: file missing or smaller than 10 kB.</summary>
    public int Skipped { get; }

    public string FilePath(int index) => _files[index];
    public double Lon(int index) => _lon[index];
    public double Lat(int index) => _lat[index];

    public bool SupportsTileSize(int size) => size >= 1 && size <= TileSide && TileSide % size == 0;

    public void ReadTile(int index, int size, Span<float> output)
    {
        if (!SupportsTileSize(size)) throw new ArgumentException($"S2 tiles are {TileSide} px: a tile size must divide {TileSide}, got {size}");
        if (output.Length != BandCount * size * size) throw new ArgumentException($"tile buffer has {output.Length} values, needs {BandCount * size * size}");
        if (!_cache.TryGet(index, size, out var tile))
        {
            tile = Decode(index, size);
            _cache.Add(index, size, tile);
        }
        tile.CopyTo(output);
    }

    private float[] Decode(int index, int size)
    {
        var image = GeoTiffReader.Read(_files[index]);
        if (image.Bands != BandCount || image.Width < TileSide || image.Height < TileSide)
            throw new RangeFormatException(_files[index], $"expected a {TileSide} x {TileSide} x {BandCount} S2 tile, found {image.Width} x {image.Height} x {image.Bands}");
        int f = TileSide / size;
        float scale = ReflectanceScale / (f * f);
        var tile = new float[BandCount * size * size];
        for (int y = 0; y < TileSide; y++)
        {
            int ty = y / f;
            for (int x = 0; x < TileSide; x++)
            {
                int tx = x / f;
                long p = ((long)y * image.Width + x) * BandCount;
                for (int b = 0; b < BandCount; b++)
                    tile[(b * size + ty) * size + tx] += image.Samples[p + b] * scale;
            }
        }
        return tile;
    }
}
