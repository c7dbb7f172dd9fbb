using System.Text;
using BitMiracle.LibTiff.Classic;
using RangeOrleans.Core.Formats;

namespace RangeOrleans.Training.Data;

/// <summary>
/// Reads the S2-100K GeoTIFFs (uint16, chunky/CONTIG, tiled or stripped, any libtiff compression such
/// as LZW + predictor) with BitMiracle.LibTiff.NET. GeoTIFF tags the library does not know are not
/// warnings worth printing; real libtiff errors become a <see cref="RangeFormatException"/> naming the file.
/// </summary>
public static class GeoTiffReader
{
    private static readonly CollectingErrorHandler Handler = new();

    static GeoTiffReader()
    {
        Tiff.SetErrorHandler(Handler);
    }

    public static TiffImage Read(string path)
    {
        CollectingErrorHandler.Errors = new StringBuilder();
        try
        {
            using var tiff = Tiff.Open(path, "r") ?? throw Fail(path, "not a readable TIFF");
            int width = Field(tiff, TiffTag.IMAGEWIDTH, path);
            int height = Field(tiff, TiffTag.IMAGELENGTH, path);
            int bands = FieldOr(tiff, TiffTag.SAMPLESPERPIXEL, 1);
            int bits = FieldOr(tiff, TiffTag.BITSPERSAMPLE, 1);
            var planar = (PlanarConfig)FieldOr(tiff, TiffTag.PLANARCONFIG, (int)PlanarConfig.CONTIG);
            if (bits != 16) throw Fail(path, $"{bits}-bit samples; S2 tiles are 16-bit");
            if (planar != PlanarConfig.CONTIG && bands > 1) throw Fail(path, "separate band planes (PLANARCONFIG_SEPARATE) are not supported");
            if (width < 1 || height < 1 || bands < 1 || (long)width * height * bands > 1L << 28)
                throw Fail(path, $"implausible size {width} x {height} x {bands}");
            var samples = new ushort[(long)width * height * bands];
            if (tiff.IsTiled()) ReadTiled(tiff, path, width, height, bands, samples);
            else ReadStrips(tiff, path, width, height, bands, samples);
            return new TiffImage(width, height, bands, samples);
        }
        catch (RangeFormatException)
        {
            throw;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            throw Fail(path, $"TIFF decode failed: {ex.Message}");
        }
    }

    private static void ReadTiled(Tiff tiff, string path, int width, int height, int bands, ushort[] samples)
    {
        int tw = Field(tiff, TiffTag.TILEWIDTH, path), th = Field(tiff, TiffTag.TILELENGTH, path);
        var buffer = new byte[tiff.TileSize()];
        long expected = (long)tw * th * bands * 2;
        if (buffer.Length < expected) throw Fail(path, $"tile buffer {buffer.Length} bytes, {tw} x {th} x {bands} uint16 needs {expected}");
        for (int ty = 0; ty < height; ty += th)
        {
            for (int tx = 0; tx < width; tx += tw)
            {
                int read = tiff.ReadTile(buffer, 0, tx, ty, 0, 0);
                if (read < 0) throw Fail(path, $"cannot read tile at ({tx}, {ty})");
                int rows = Math.Min(th, height - ty), cols = Math.Min(tw, width - tx);
                for (int r = 0; r < rows; r++)
                {
                    var src = buffer.AsSpan(r * tw * bands * 2, cols * bands * 2);
                    var dst = samples.AsSpan(checked((int)((((long)ty + r) * width + tx) * bands)), cols * bands);
                    Copy(src, dst);
                }
            }
        }
    }

    private static void ReadStrips(Tiff tiff, string path, int width, int height, int bands, ushort[] samples)
    {
        var line = new byte[tiff.ScanlineSize()];
        if (line.Length < width * bands * 2) throw Fail(path, $"scanline of {line.Length} bytes is too short");
        for (int y = 0; y < height; y++)
        {
            if (!tiff.ReadScanline(line, y)) throw Fail(path, $"cannot read row {y}");
            Copy(line.AsSpan(0, width * bands * 2), samples.AsSpan(y * width * bands, width * bands));
        }
    }

    private static void Copy(ReadOnlySpan<byte> src, Span<ushort> dst)
    {
        // libtiff hands back samples in host order (little-endian here).
        System.Runtime.InteropServices.MemoryMarshal.Cast<byte, ushort>(src).CopyTo(dst);
    }

    private static int Field(Tiff tiff, TiffTag tag, string path) =>
        tiff.GetField(tag) is { Length: > 0 } v ? v[0].ToInt() : throw Fail(path, $"missing TIFF tag {tag}");

    private static int FieldOr(Tiff tiff, TiffTag tag, int fallback) =>
        tiff.GetField(tag) is { Length: > 0 } v ? v[0].ToInt() : fallback;

    private static RangeFormatException Fail(string path, string message)
    {
        var libtiff = CollectingErrorHandler.Errors?.ToString().Trim();
        return new RangeFormatException(path, string.IsNullOrEmpty(libtiff) ? message : $"{message} (libtiff: {libtiff})");
    }

    /// <summary>Drops warnings (unknown GeoTIFF tags); keeps errors per thread for the exception message.</summary>
    private sealed class CollectingErrorHandler : TiffErrorHandler
    {
        [ThreadStatic]
        public static StringBuilder? Errors;

        public override void WarningHandler(Tiff tif, string method, string format, params object[] args)
        {
        }

        public override void WarningHandlerExt(Tiff tif, object clientData, string method, string format, params object[] args)
        {
        }

        public override void ErrorHandler(Tiff tif, string method, string format, params object[] args) =>
            Errors?.Append(string.Format(System.Globalization.CultureInfo.InvariantCulture, format, args)).Append("; ");

        public override void ErrorHandlerExt(Tiff tif, object clientData, string method, string format, params object[] args)
        {
        }
    }
}
