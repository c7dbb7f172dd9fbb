using RangeOrleans.Imaging;

namespace RangeOrleans.Training.Data;

/// <summary>
/// The embedded default: tiles cut from a whole-Earth raster (Blue Marble RGB + night lights, ~20 km
/// per pixel) around given locations (usually from an <see cref="Samplers.ILocationSampler"/>).
/// Any tile size works: a tile is size x size native pixels centred on the location.
/// </summary>
public sealed class EarthImageryDataset : IGeoTileDataset
{
    public const int DefaultTileSize = 16;

    private readonly EquirectangularRaster _raster;
    private readonly double[] _lon;
    private readonly double[] _lat;

    public EarthImageryDataset(EquirectangularRaster raster, double[] lon, double[] lat, int nativeTileSize = DefaultTileSize)
    {
        if (lon.Length != lat.Length) throw new ArgumentException($"{lon.Length} longitudes but {lat.Length} latitudes");
        _raster = raster;
        _lon = lon;
        _lat = lat;
        NativeTileSize = nativeTileSize;
    }

    /// <summary>
    /// <paramref name="count"/> locations uniform on the sphere (land and sea; land only with
    /// <paramref name="landOnly"/>), tiles from the shipped Earth imagery; the same for a given seed.
    /// </summary>
    public static EarthImageryDataset Sample(int count, int seed, bool landOnly = false, EquirectangularRaster? raster = null)
    {
        var sampler = new Samplers.UniformSphereSampler(landOnly ? Core.Geography.LandMask.Load() : null);
        var (lon, lat) = sampler.Sample(count, seed);
        return new EarthImageryDataset(raster ?? EarthImagery.Load(), lon, lat);
    }

    public string Name => "earth";
    public int Count => _lon.Length;
    public int Channels => _raster.Channels;
    public int NativeTileSize { get; }
    public double Lon(int index) => _lon[index];
    public double Lat(int index) => _lat[index];
    public bool SupportsTileSize(int size) => size >= 1 && size <= _raster.Height;

    public void ReadTile(int index, int size, Span<float> output) => _raster.CutTile(_lon[index], _lat[index], size, output);
}
