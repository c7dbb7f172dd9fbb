using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;
using System.IO.Compression;
using System.Security;
using System.Text;

namespace RangeOrleans.Core.Formats.GeoTiff;

/// <summary>
/// Fills one full-resolution tile of every band: <paramref name="window"/> holds bands x block x block floats
/// (band-major, then rows north to south, then columns west to east), NaN on entry; cells left NaN are NoData.
/// Returns false when the tile holds no cell at all (it is then stored as a sparse tile).
/// </summary>
public delegate bool CogTileSource(int blockX, int blockY, Span<float> window);

/// <summary>What <see cref="CogWriter.Write"/> wrote.</summary>
public sealed record CogSummary(long Bytes, int OverviewLevels, long TilesWritten, long SparseTiles, bool BigTiff);

/// <summary>
/// Writes a Cloud-Optimized GeoTIFF in one sequential pass over the output (so it can go straight to a blob):
/// header, every IFD (full resolution first, then overviews from largest to smallest) with its arrays, then the
/// tile data of the smallest overview first and the full resolution last, the layout GDAL's COG driver writes
/// and <c>validate_cloud_optimized_geotiff.py</c> checks. Tiles are requested from the source in quadtree
/// order, so each overview level needs only one tile buffer: memory is (levels + 1) x bands x block^2 floats
/// whatever the raster's size. Compressed tiles wait in one temporary file per level until the IFDs (which
/// hold their offsets) are written. Overviews average the valid (non-NoData) pixels of each 2 x 2 block.
/// </summary>
public static class CogWriter
{
    private const ushort NewSubfileType = 254, ImageWidth = 256, ImageLength = 257, BitsPerSample = 258, Compression = 259,
        Photometric = 262, SamplesPerPixel = 277, PlanarConfig = 284, Predictor = 317, TileWidth = 322, TileLength = 323, TileOffsets = 324,
        TileByteCounts = 325, ExtraSamples = 338, SampleFormat = 339, ModelPixelScale = 33550, ModelTiepoint = 33922,
        GeoKeyDirectory = 34735, GdalMetadata = 42112, GdalNoData = 42113;

    /// <summary>Overview levels GDAL's COG driver would make: halve until the raster fits in one block.</summary>
    public static int OverviewLevels(int width, int height, int blockSize)
    {
        int levels = 0;
        while (width > blockSize || height > blockSize)
        {
            width = (width + 1) / 2;
            height = (height + 1) / 2;
            levels++;
        }
        return levels;
    }

    public static CogSummary Write(Stream output, CogOptions options, CogTileSource source, string? tempFolder = null)
    {
        options.Validate();
        int block = options.BlockSize, bands = options.Bands;
        int levels = OverviewLevels(options.Width, options.Height, block) + 1;
        var width = new int[levels];
        var height = new int[levels];
        width[0] = options.Width;
        height[0] = options.Height;
        for (int l = 1; l < levels; l++)
        {
            width[l] = (width[l - 1] + 1) / 2;
            height[l] = (height[l - 1] + 1) / 2;
        }
        var tilesX = width.Select(w => (w + block - 1) / block).ToArray();
        var tilesY = height.Select(h => (h + block - 1) / block).ToArray();
        var offsets = new ulong[levels][];
        var counts = new uint[levels][];
        var temps = new FileStream[levels];
        tempFolder ??= Path.GetTempPath();
        try
        {
            for (int l = 0; l < levels; l++)
            {
                long tiles = (long)tilesX[l] * tilesY[l] * bands;
                if (tiles > int.MaxValue / 8) throw new ArgumentException($"{tiles:N0} tiles at level {l}: too many for one file");
                offsets[l] = new ulong[tiles];
                counts[l] = new uint[tiles];
                temps[l] = new FileStream(Path.Combine(tempFolder, $"range-cog-{Guid.NewGuid():N}.l{l}"), FileMode.CreateNew, FileAccess.ReadWrite,
                    FileShare.None, 1 << 20, FileOptions.DeleteOnClose);
            }
            var buffers = new float[levels][];
            long written = 0;
            var state = new TileState(options, source, width, height, tilesX, tilesY, offsets, counts, temps, buffers);
            int top = levels - 1;
            for (int by = 0; by < tilesY[top]; by++)
                for (int bx = 0; bx < tilesX[top]; bx++)
                    state.Produce(top, bx, by);
            written = state.TilesWritten;

            // Classic TIFF unless a 4-byte offset could not reach the end of the file.
            long data = temps.Sum(t => t.Length);
            bool big = false;
            var directories = Directories(options, width, height, offsets, counts, big);
            long head = 8 + directories.Sum(d => d.Size(big));
            if (head + data > uint.MaxValue - 1)
            {
                big = true;
                directories = Directories(options, width, height, offsets, counts, big);
                head = 16 + directories.Sum(d => d.Size(big));
            }
            // Tile offsets become file offsets: the smallest overview's data first, the full resolution last.
            var levelBase = new long[levels];
            long at = head;
            for (int l = levels - 1; l >= 0; l--)
            {
                levelBase[l] = at;
                at += temps[l].Length;
            }
            for (int l = 0; l < levels; l++)
                for (int i = 0; i < offsets[l].Length; i++)
                    if (counts[l][i] > 0) offsets[l][i] += (ulong)levelBase[l];
            directories = Directories(options, width, height, offsets, counts, big);

            var header = new byte[big ? 16 : 8];
            header[0] = (byte)'I';
            header[1] = (byte)'I';
            if (big)
            {
                BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(2), 43);
                BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(4), 8);
                BinaryPrimitives.WriteUInt64LittleEndian(header.AsSpan(8), 16);
            }
            else
            {
                BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(2), 42);
                BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(4), 8);
            }
            output.Write(header);
            long position = header.Length;
            for (int l = 0; l < levels; l++)
            {
                long next = l + 1 < levels ? position + directories[l].Size(big) : 0;
                output.Write(directories[l].Encode(position, next, big));
                position += directories[l].Size(big);
            }
            for (int l = levels - 1; l >= 0; l--)
            {
                temps[l].Position = 0;
                temps[l].CopyTo(output, 1 << 20);
            }
            output.Flush();
            long sparse = counts.Sum(c => (long)c.Count(n => n == 0));
            return new CogSummary(head + data, levels - 1, written, sparse, big);
        }
        finally
        {
            foreach (var temp in temps) temp?.Dispose();
        }
    }

    private static List<TiffDirectory> Directories(CogOptions o, int[] width, int[] height, ulong[][] offsets, uint[][] counts, bool big)
    {
        var list = new List<TiffDirectory>();
        var bits = Enumerable.Repeat((ushort)(o.BytesPerSample * 8), o.Bands).ToArray();
        var format = Enumerable.Repeat((ushort)(o.SampleType == CogSampleType.Int8 ? 2 : 3), o.Bands).ToArray();
        string noData = o.SampleType == CogSampleType.Int8 ? "-128" : "nan";
        for (int l = 0; l < width.Length; l++)
        {
            var d = new TiffDirectory();
            if (l > 0) d.AddLong(NewSubfileType, 1);
            d.AddLong(ImageWidth, (uint)width[l]);
            d.AddLong(ImageLength, (uint)height[l]);
            d.Shorts(BitsPerSample, bits);
            d.Add(Compression, 8); // Adobe deflate (zlib)
            d.Add(Photometric, 1); // min-is-black
            d.Add(SamplesPerPixel, (ushort)o.Bands);
            d.Add(PlanarConfig, (ushort)(o.Bands > 1 ? 2 : 1));
            d.Add(Predictor, PredictorOf(o.SampleType));
            d.Add(TileWidth, (ushort)o.BlockSize);
            d.Add(TileLength, (ushort)o.BlockSize);
            d.Offsets(TileOffsets, offsets[l], big);
            d.Longs(TileByteCounts, counts[l]);
            if (o.Bands > 1) d.Shorts(ExtraSamples, new ushort[o.Bands - 1]);
            d.Shorts(SampleFormat, format);
            if (l == 0)
            {
                d.Doubles(ModelPixelScale, [o.PixelSize, o.PixelSize, 0]);
                d.Doubles(ModelTiepoint, [0, 0, 0, o.West, o.North, 0]);
                // GeoKeys: model type geographic, raster type PixelIsArea, EPSG:4326, angular unit degree.
                d.Shorts(GeoKeyDirectory, [1, 1, 0, 4, 1024, 0, 1, 2, 1025, 0, 1, 1, 2048, 0, 1, 4326, 2054, 0, 1, 9102]);
                d.Text(GdalMetadata, GdalMetadataXml(o));
            }
            d.Text(GdalNoData, noData);
            list.Add(d);
        }
        return list;
    }

    /// <summary>GDAL's metadata XML: dataset items, band descriptions, and per-band scale/offset for int8.</summary>
    internal static string GdalMetadataXml(CogOptions o)
    {
        var xml = new StringBuilder("<GDALMetadata>\n");
        foreach (var (name, value) in o.Metadata.OrderBy(p => p.Key, StringComparer.Ordinal))
            xml.Append($"  <Item name=\"{Escape(name)}\">{Escape(value)}</Item>\n");
        for (int b = 0; b < o.Bands; b++)
        {
            if (o.BandDescriptions is { } names) xml.Append($"  <Item name=\"DESCRIPTION\" sample=\"{b}\" role=\"description\">{Escape(names[b])}</Item>\n");
            if (o.SampleType == CogSampleType.Int8)
            {
                xml.Append($"  <Item name=\"SCALE\" sample=\"{b}\" role=\"scale\">{o.Scale![b].ToString("R", CultureInfo.InvariantCulture)}</Item>\n");
                xml.Append($"  <Item name=\"OFFSET\" sample=\"{b}\" role=\"offset\">{o.Offset![b].ToString("R", CultureInfo.InvariantCulture)}</Item>\n");
            }
        }
        return xml.Append("</GDALMetadata>").ToString();
    }

    private static string Escape(string text) => SecurityElement.Escape(text) ?? "";

    /// <summary>The quadtree walk: produces a tile of any level from its four children, writing every non-empty tile.</summary>
    private sealed class TileState(CogOptions o, CogTileSource source, int[] width, int[] height, int[] tilesX, int[] tilesY,
        ulong[][] offsets, uint[][] counts, FileStream[] temps, float[][] buffers)
    {
        private readonly int _block = o.BlockSize;
        private readonly int _plane = o.BlockSize * o.BlockSize;

        public long TilesWritten { get; private set; }

        /// <summary>Fills buffers[level] with tile (bx, by) of that level; false (and nothing written) when it holds no data.</summary>
        public bool Produce(int level, int bx, int by)
        {
            if (bx >= tilesX[level] || by >= tilesY[level]) return false;
            var buffer = buffers[level] ??= new float[(long)_plane * o.Bands];
            Array.Fill(buffer, float.NaN);
            bool any = false;
            if (level == 0) any = source(bx, by, buffer);
            else
            {
                for (int dy = 0; dy < 2; dy++)
                {
                    for (int dx = 0; dx < 2; dx++)
                    {
                        if (!Produce(level - 1, 2 * bx + dx, 2 * by + dy)) continue;
                        Downsample(buffers[level - 1], buffer, dx * _block / 2, dy * _block / 2);
                        any = true;
                    }
                }
            }
            if (!any) return false;
            // Pixels beyond the raster's edge stay NoData (the tile is padded to full size).
            MaskOutside(buffer, width[level] - bx * _block, height[level] - by * _block);
            Emit(level, bx, by, buffer);
            return true;
        }

        private void MaskOutside(float[] buffer, int validColumns, int validRows)
        {
            if (validColumns >= _block && validRows >= _block) return;
            for (int b = 0; b < o.Bands; b++)
            {
                var plane = buffer.AsSpan(b * _plane, _plane);
                for (int y = 0; y < _block; y++)
                {
                    var row = plane.Slice(y * _block, _block);
                    if (y >= validRows) row.Fill(float.NaN);
                    else if (validColumns < _block) row[Math.Max(0, validColumns)..].Fill(float.NaN);
                }
            }
        }

        // Child tile -> one quadrant of the parent: each parent pixel is the mean of the valid pixels of a 2 x 2 block.
        private void Downsample(float[] child, float[] parent, int x0, int y0)
        {
            int half = _block / 2;
            Parallel.For(0, o.Bands, b =>
            {
                var c = child.AsSpan(b * _plane, _plane);
                var p = parent.AsSpan(b * _plane, _plane);
                for (int y = 0; y < half; y++)
                {
                    for (int x = 0; x < half; x++)
                    {
                        float sum = 0;
                        int n = 0;
                        int at = 2 * y * _block + 2 * x;
                        foreach (int k in (ReadOnlySpan<int>)[at, at + 1, at + _block, at + _block + 1])
                        {
                            float v = c[k];
                            if (!float.IsNaN(v)) { sum += v; n++; }
                        }
                        p[(y0 + y) * _block + x0 + x] = n == 0 ? float.NaN : sum / n;
                    }
                }
            });
        }

        private void Emit(int level, int bx, int by, float[] buffer)
        {
            var compressed = new (byte[] Bytes, int Length)[o.Bands];
            try
            {
                Parallel.For(0, o.Bands, b => compressed[b] = Compress(buffer.AsSpan(b * _plane, _plane), b));
                var temp = temps[level];
                long tilesPerBand = (long)tilesX[level] * tilesY[level];
                for (int b = 0; b < o.Bands; b++)
                {
                    long index = b * tilesPerBand + (long)by * tilesX[level] + bx;
                    offsets[level][index] = (ulong)temp.Position;
                    counts[level][index] = (uint)compressed[b].Length;
                    temp.Write(compressed[b].Bytes, 0, compressed[b].Length);
                    // TIFF readers expect tiles at even offsets only by convention; keep them word-aligned anyway.
                    if ((temp.Position & 1) != 0) temp.WriteByte(0);
                }
            }
            finally
            {
                foreach (var (bytes, _) in compressed)
                    if (bytes is not null) ArrayPool<byte>.Shared.Return(bytes);
            }
            TilesWritten += o.Bands;
        }

        // One band's tile: samples encoded, the predictor applied row by row, deflated into a pooled buffer.
        private (byte[] Bytes, int Length) Compress(ReadOnlySpan<float> plane, int band)
        {
            int size = plane.Length * o.BytesPerSample;
            var raw = ArrayPool<byte>.Shared.Rent(size);
            try
            {
                switch (o.SampleType)
                {
                    case CogSampleType.Float32:
                        for (int i = 0; i < plane.Length; i++) BinaryPrimitives.WriteSingleLittleEndian(raw.AsSpan(4 * i), plane[i]);
                        break;
                    case CogSampleType.Float16:
                        for (int i = 0; i < plane.Length; i++) BinaryPrimitives.WriteHalfLittleEndian(raw.AsSpan(2 * i), (Half)plane[i]);
                        break;
                    default:
                        float scale = o.Scale![band], offset = o.Offset![band];
                        for (int i = 0; i < plane.Length; i++) raw[i] = (byte)Int8Code(plane[i], scale, offset);
                        break;
                }
                Predict(raw.AsSpan(0, size), _block, o.BytesPerSample);
                // Deflate never grows data by more than 5 bytes per 16 KiB block plus a few header bytes.
                var packed = ArrayPool<byte>.Shared.Rent(size + size / 1024 + 256);
                using var memory = new MemoryStream(packed, writable: true);
                using (var zlib = new ZLibStream(memory, CompressionLevel.Fastest, leaveOpen: true)) zlib.Write(raw, 0, size);
                return (packed, (int)memory.Position);
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(raw);
            }
        }
    }

    /// <summary>
    /// TIFF predictors, in place, per row of <paramref name="width"/> samples: 3 (floating point) for floats: the
    /// row's bytes regrouped most significant byte plane first, then each byte minus the one before it; 2
    /// (horizontal) for bytes: each sample minus the one before it. Both make smooth rasters compress far better.
    /// </summary>
    internal static void Predict(Span<byte> tile, int width, int bytesPerSample)
    {
        int rowBytes = width * bytesPerSample;
        Span<byte> copy = bytesPerSample > 1 ? stackalloc byte[rowBytes] : default;
        for (int start = 0; start < tile.Length; start += rowBytes)
        {
            var row = tile.Slice(start, rowBytes);
            if (bytesPerSample > 1)
            {
                row.CopyTo(copy);
                for (int x = 0; x < width; x++)
                    for (int b = 0; b < bytesPerSample; b++)
                        row[(bytesPerSample - b - 1) * width + x] = copy[bytesPerSample * x + b];
            }
            for (int i = rowBytes - 1; i > 0; i--) row[i] = (byte)(row[i] - row[i - 1]);
        }
    }

    /// <summary>The TIFF Predictor tag's value for a sample type (see <see cref="Predict"/>).</summary>
    internal static ushort PredictorOf(CogSampleType type) => type == CogSampleType.Int8 ? (ushort)2 : (ushort)3;

    /// <summary>The int8 code of <paramref name="value"/>: round((value - offset) / scale) clamped to [-127, 127]; NaN gives -128 (NoData).</summary>
    public static sbyte Int8Code(float value, float scale, float offset) =>
        float.IsNaN(value) ? sbyte.MinValue : (sbyte)Math.Clamp(MathF.Round((value - offset) / scale), -127, 127);
}
