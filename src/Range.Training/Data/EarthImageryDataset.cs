using RangeOrleans.Imaging;

namespace RangeOrleans.Training.Data;

/// <summary>
/// The embedded default: tiles cut from a whole-Earth raster (Blue Marble RGB + night lights + relief, ~20 km
/// per pixel; or the RGB of five months of 2004 in place of the one Blue Marble) around given locations (usually from an <see cref="Samplers.ILocationSampler"/>).
/// Any tile size works: a tile is size x size native pixels centred on the location.
/// </summary>
public sealed class EarthImageryDataset : IGeoTileDataset
{
    public const int DefaultTileSize = 16;

    private readonly EquirectangularRaster _raster;
    private readonly double[] _lon;
    private readonly double[] _lat;

    public EarthImageryDataset(EquirectangularRaster raster, double[] lon, double[] lat, int nativeTileSize = DefaultTileSize, string name = "earth")
    {
        if (lon.Length != lat.Length) throw new ArgumentException($"{lon.Length} longitudes but {lat.Length} latitudes");
        Name = name;
        _raster = raster;
        _lon = lon;
        _lat = lat;
        NativeTileSize = nativeTileSize;
    }

    /// <summary>
    /// <paramref name="count"/> locations uniform on the sphere (land and sea; land only with
    /// <paramref name="landOnly"/>), tiles from the shipped Earth imagery (a year of it with <paramref name="seasons"/>:
    /// <see cref="EarthImagery.LoadSeasons"/>); the same locations for a given seed either way.
    /// </summary>
    public static EarthImageryDataset Sample(int count, int seed, bool landOnly = false, EquirectangularRaster? raster = null, bool seasons = false)
    {
        var sampler = new Samplers.UniformSphereSampler(landOnly ? Core.Geography.LandMask.Load() : null);
        var (lon, lat) = sampler.Sample(count, seed);
        return new EarthImageryDataset(raster ?? (seasons ? EarthImagery.LoadSeasons() : EarthImagery.Load()), lon, lat, name: seasons ? "earth" : "earth-one-season");
    }

    /// <summary>"earth" (a year of imagery), or "earth-one-season".</summary>
    public string Name { get; }
    public int Count => _lon.Length;
    public int Channels => _raster.Channels;
    public int NativeTileSize { get; }
    public double Lon(int index) => _lon[index];
    public double Lat(int index) => _lat[index];
    public bool SupportsTileSize(int size) => size >= 1 && size <= _raster.Height;

    public void ReadTile(int index, int size, Span<float> output) => _raster.CutTile(_lon[index], _lat[index], size, output);
}
