using RangeOrleans.Core.Formats;
using SkiaSharp;

namespace RangeOrleans.Imaging;

/// <summary>
/// A whole-Earth image on the plate carrée grid, as float planes: pixel column x covers longitudes
/// [-180 + 360 x / W, -180 + 360 (x + 1) / W], row y covers latitudes [90 - 180 (y + 1) / H, 90 - 180 y / H]
/// (row 0 is the north edge). Values are in [0, 1]; planes are channel-major ([c][y][x]).
/// Longitude wraps around the antimeridian; latitude clamps at the poles.
/// </summary>
public sealed class EquirectangularRaster
{
    private readonly float[] _data;

    public EquirectangularRaster(int width, int height, int channels, float[] data)
    {
        if (width < 1 || height < 1 || channels < 1) throw new ArgumentException($"bad raster size {channels} x {height} x {width}");
        if (data.LongLength != (long)width * height * channels)
            throw new ArgumentException($"raster data has {data.LongLength} values, {channels} x {height} x {width} needs {(long)width * height * channels}");
        Width = width;
        Height = height;
        Channels = channels;
        _data = data;
    }

    public int Width { get; }
    public int Height { get; }
    public int Channels { get; }

    /// <summary>Channel <paramref name="channel"/> as a row-major [Height, Width] plane.</summary>
    public ReadOnlySpan<float> Plane(int channel) => _data.AsSpan(checked(channel * Width * Height), Width * Height);

    /// <summary>
    /// Decodes a JPEG/PNG image into an RGB (3-channel) or luminance (1-channel) raster;
    /// a file that is not a decodable image is a <see cref="RangeFormatException"/>.
    /// </summary>
    public static EquirectangularRaster Decode(string path, bool grayscale = false)
    {
        using var stream = File.OpenRead(path);
        return Decode(stream, path, grayscale);
    }

    public static EquirectangularRaster Decode(Stream stream, string source, bool grayscale = false)
    {
        using var codec = SKCodec.Create(stream) ?? throw new RangeFormatException(source, "not a decodable image (JPEG/PNG expected)");
        var info = new SKImageInfo(codec.Info.Width, codec.Info.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        using var bitmap = new SKBitmap(info);
        var result = codec.GetPixels(info, bitmap.GetPixels());
        if (result is not (SKCodecResult.Success or SKCodecResult.IncompleteInput))
            throw new RangeFormatException(source, $"image decode failed: {result}");
        if (info.Width != 2 * info.Height)
            throw new RangeFormatException(source, $"a plate carrée Earth image is twice as wide as high; this one is {info.Width} x {info.Height}");
        var pixels = bitmap.GetPixelSpan();
        int n = info.Width * info.Height;
        int channels = grayscale ? 1 : 3;
        var data = new float[(long)n * channels];
        const float scale = 1f / 255f;
        for (int i = 0; i < n; i++)
        {
            float r = pixels[4 * i] * scale, g = pixels[4 * i + 1] * scale, b = pixels[4 * i + 2] * scale;
            if (grayscale)
            {
                data[i] = 0.299f * r + 0.587f * g + 0.114f * b;
            }
            else
            {
                data[i] = r;
                data[n + i] = g;
                data[2 * n + i] = b;
            }
        }
        return new EquirectangularRaster(info.Width, info.Height, channels, data);
    }

    /// <summary>Stacks the channels of rasters on the same grid (e.g. RGB + night lights = 4 channels).</summary>
    public static EquirectangularRaster Stack(params EquirectangularRaster[] rasters)
    {
        if (rasters.Length == 0) throw new ArgumentException("nothing to stack");
        var first = rasters[0];
        foreach (var r in rasters)
        {
            if (r.Width != first.Width || r.Height != first.Height)
                throw new ArgumentException($"rasters on different grids: {first.Width} x {first.Height} and {r.Width} x {r.Height}");
        }
        var data = new float[rasters.Sum(r => (long)r._data.Length)];
        long offset = 0;
        foreach (var r in rasters)
        {
            r._data.CopyTo(data, offset);
            offset += r._data.Length;
        }
        return new EquirectangularRaster(first.Width, first.Height, rasters.Sum(r => r.Channels), data);
    }

    /// <summary>Continuous pixel column of a longitude: pixel centres sit at integers (x = 0 at lon -180 + half a pixel).</summary>
    public double PixelX(double lon) => (lon + 180.0) / 360.0 * Width - 0.5;

    /// <summary>Continuous pixel row of a latitude: row 0's centre is half a pixel below 90 degrees.</summary>
    public double PixelY(double lat) => (90.0 - lat) / 180.0 * Height - 0.5;

    /// <summary>Longitude of a pixel column's centre.</summary>
    public double Longitude(double x) => (x + 0.5) / Width * 360.0 - 180.0;

    /// <summary>Latitude of a pixel row's centre.</summary>
    public double Latitude(double y) => 90.0 - (y + 0.5) / Height * 180.0;

    /// <summary>The value of one pixel; x wraps around the globe, y clamps to the poles.</summary>
    public float Pixel(int channel, int x, int y)
    {
        x %= Width;
        if (x < 0) x += Width;
        y = Math.Clamp(y, 0, Height - 1);
        return _data[((long)channel * Height + y) * Width + x];
    }

    /// <summary>Bilinear sample at (lon, lat) degrees.</summary>
    public float Sample(int channel, double lon, double lat)
    {
        CheckChannel(channel);
        double px = PixelX(lon), py = PixelY(lat);
        int x0 = (int)Math.Floor(px), y0 = (int)Math.Floor(py);
        float fx = (float)(px - x0), fy = (float)(py - y0);
        float top = Pixel(channel, x0, y0) * (1 - fx) + Pixel(channel, x0 + 1, y0) * fx;
        float bottom = Pixel(channel, x0, y0 + 1) * (1 - fx) + Pixel(channel, x0 + 1, y0 + 1) * fx;
        return top * (1 - fy) + bottom * fy;
    }

    /// <summary>
    /// Cuts a size x size tile of native pixels whose centre is the pixel nearest (lon, lat), into
    /// <paramref name="output"/> laid out [channel][row][column] (north up, east right).
    /// </summary>
    public void CutTile(double lon, double lat, int size, Span<float> output)
    {
        if (size < 1) throw new ArgumentOutOfRangeException(nameof(size), "tile size must be at least 1 pixel");
        if (output.Length != Channels * size * size)
            throw new ArgumentException($"tile buffer has {output.Length} values, {Channels} x {size} x {size} needs {Channels * size * size}");
        int cx = (int)Math.Round(PixelX(lon)), cy = (int)Math.Round(PixelY(lat));
        int x0 = cx - size / 2, y0 = cy - size / 2;
        for (int c = 0; c < Channels; c++)
        {
            for (int r = 0; r < size; r++)
            {
                var row = output.Slice((c * size + r) * size, size);
                for (int k = 0; k < size; k++)
                    row[k] = Pixel(c, x0 + k, y0 + r);
            }
        }
    }

    /// <summary>A new float[channels * size * size] tile (see <see cref="CutTile(double, double, int, Span{float})"/>).</summary>
    public float[] CutTile(double lon, double lat, int size)
    {
        var tile = new float[Channels * size * size];
        CutTile(lon, lat, size, tile);
        return tile;
    }

    private void CheckChannel(int channel)
    {
        if ((uint)channel >= (uint)Channels) throw new ArgumentOutOfRangeException(nameof(channel), $"channel {channel} of a {Channels}-channel raster");
    }
}
