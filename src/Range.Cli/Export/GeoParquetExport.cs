using System.Buffers.Binary;
using System.Text.Json;
using System.Text.Json.Nodes;
using Parquet;
using Parquet.Schema;
using RangeOrleans.Core.Formats.Arrow;

namespace RangeOrleans.Cli.Export;

/// <summary>
/// Any finished map (grid, lattice, point files) as GeoParquet 1.1: columns <c>geometry</c> (WKB points, the
/// primary geometry column, OGC:CRS84 lon/lat), <c>lon</c>, <c>lat</c> (float64) and <c>embedding</c> (list of
/// float32), with the <c>geo</c> file metadata and the map's identities as further key/value metadata. Rows go
/// shard by shard in the manifest's order (tiles south to north, west to east), each shard in row groups of at
/// most <see cref="RowGroupBytes"/> of embeddings, so a row group is a small, spatially compact range read.
/// </summary>
internal static class GeoParquetExport
{
    /// <summary>Embedding bytes per row group (at least <see cref="MinRowGroupRows"/> rows).</summary>
    public const long RowGroupBytes = 16L << 20;

    private const int MinRowGroupRows = 1024;

    public sealed record Summary(long Rows, int RowGroups, double[] Bbox);

    /// <summary>OGC:CRS84 (WGS 84, longitude then latitude) as PROJJSON, as GDAL's gdalsrsinfo writes it, with its id.</summary>
    private const string Crs84 = """
        {"$schema":"https://proj.org/schemas/v0.5/projjson.schema.json","type":"GeographicCRS","name":"WGS 84",
         "datum":{"type":"GeodeticReferenceFrame","name":"World Geodetic System 1984",
          "ellipsoid":{"name":"WGS 84","semi_major_axis":6378137,"inverse_flattening":298.257223563},"id":{"authority":"EPSG","code":6326}},
         "coordinate_system":{"subtype":"ellipsoidal","axis":[
          {"name":"Longitude","abbreviation":"lon","direction":"east","unit":"degree"},
          {"name":"Latitude","abbreviation":"lat","direction":"north","unit":"degree"}]},
         "id":{"authority":"OGC","code":"CRS84"}}
        """;

    public static int RowGroupRows(int dimension) => (int)Math.Max(MinRowGroupRows, RowGroupBytes / (4L * dimension));

    /// <summary>Writes the file to <paramref name="output"/>; through a temporary file when it cannot seek (a blob), as Parquet.Net needs.</summary>
    public static Summary WriteSeekable(FinishedMap map, Stream output)
    {
        if (output.CanSeek && output.CanRead) return WriteAsync(map, output).GetAwaiter().GetResult();
        using var temp = new FileStream(Path.Combine(Path.GetTempPath(), $"range-geoparquet-{Guid.NewGuid():N}.parquet"), FileMode.CreateNew,
            FileAccess.ReadWrite, FileShare.None, 1 << 20, FileOptions.DeleteOnClose);
        var summary = WriteAsync(map, temp).GetAwaiter().GetResult();
        temp.Position = 0;
        temp.CopyTo(output, 1 << 20);
        return summary;
    }

    /// <summary>Writes the file to <paramref name="output"/>, which must be seekable (Parquet.Net's requirement).</summary>
    public static async Task<Summary> WriteAsync(FinishedMap map, Stream output)
    {
        var geometry = new DataField<byte[]>("geometry");
        var lon = new DataField<double>("lon");
        var lat = new DataField<double>("lat");
        var element = new DataField<float>("element");
        var embedding = new ListField("embedding", element);
        var schema = new ParquetSchema(geometry, lon, lat, embedding);
        int dim = map.Dimension, groupRows = RowGroupRows(dim);
        double[] bbox = [double.PositiveInfinity, double.PositiveInfinity, double.NegativeInfinity, double.NegativeInfinity];
        long rows = 0;
        int groups = 0;
        var options = new ParquetOptions { CompressionMethod = CompressionMethod.Zstd };
        await using (var writer = await ParquetWriter.CreateAsync(schema, output, options))
        {
            foreach (var shard in map.Shards)
            {
                var columns = map.ReadShard(shard);
                for (int start = 0; start < columns.Count; start += groupRows)
                {
                    int n = Math.Min(groupRows, columns.Count - start);
                    await WriteGroupAsync(writer, columns, start, n, geometry, lon, lat, element, bbox);
                    rows += n;
                    groups++;
                }
            }
            writer.CustomMetadata = Metadata(map, rows == 0 ? null : bbox);
        }
        return new Summary(rows, groups, bbox);
    }

    private static async Task WriteGroupAsync(ParquetWriter writer, EmbeddingColumns columns, int start, int n,
        DataField<byte[]> geometry, DataField<double> lon, DataField<double> lat, DataField<float> element, double[] bbox)
    {
        int dim = columns.Dimension;
        var x = columns.Lon.AsMemory(start, n);
        var y = columns.Lat.AsMemory(start, n);
        var wkb = new byte[n][];
        for (int k = 0; k < n; k++)
        {
            double px = x.Span[k], py = y.Span[k];
            wkb[k] = Point(px, py);
            bbox[0] = Math.Min(bbox[0], px);
            bbox[1] = Math.Min(bbox[1], py);
            bbox[2] = Math.Max(bbox[2], px);
            bbox[3] = Math.Max(bbox[3], py);
        }
        // A list column is its flattened values plus repetition levels: 0 starts a row's list, 1 continues it.
        // Every value is defined (no null or empty list), so its definition level is the element's maximum.
        var repetition = new int[n * dim];
        for (int k = 0; k < repetition.Length; k++) repetition[k] = k % dim == 0 ? 0 : 1;
        var definition = new int[n * dim];
        Array.Fill(definition, element.MaxDefinitionLevel);
        using var group = writer.CreateRowGroup();
        await group.WriteAsync(geometry, wkb);
        await group.WriteAsync(lon, (ReadOnlyMemory<double>)x);
        await group.WriteAsync(lat, (ReadOnlyMemory<double>)y);
        await group.WriteAllPartsAsync(element, (ReadOnlyMemory<float>)columns.Embeddings.AsMemory(start * dim, n * dim), (ReadOnlyMemory<int>)definition, (ReadOnlyMemory<int>)repetition, CancellationToken.None);
        group.CompleteValidate();
    }

    /// <summary>An ISO WKB point, little-endian: byte order 1, type 1, x, y.</summary>
    public static byte[] Point(double x, double y)
    {
        var wkb = new byte[21];
        wkb[0] = 1;
        BinaryPrimitives.WriteUInt32LittleEndian(wkb.AsSpan(1), 1);
        BinaryPrimitives.WriteDoubleLittleEndian(wkb.AsSpan(5), x);
        BinaryPrimitives.WriteDoubleLittleEndian(wkb.AsSpan(13), y);
        return wkb;
    }

    private static Dictionary<string, string> Metadata(FinishedMap map, double[]? bbox)
    {
        var column = new JsonObject
        {
            ["encoding"] = "WKB",
            ["geometry_types"] = new JsonArray("Point"),
            ["crs"] = JsonNode.Parse(Crs84),
            ["edges"] = "planar",
        };
        if (bbox is not null) column["bbox"] = new JsonArray(bbox[0], bbox[1], bbox[2], bbox[3]);
        var geo = new JsonObject
        {
            ["version"] = "1.1.0",
            ["primary_column"] = "geometry",
            ["columns"] = new JsonObject { ["geometry"] = column },
        };
        var metadata = map.Identities();
        metadata["geo"] = geo.ToJsonString(new JsonSerializerOptions { WriteIndented = false });
        metadata["range.embedding"] = $"embedding: list of {map.Dimension} float32 per row (the map's {map.Manifest.Precision} values, widened exactly)";
        return metadata;
    }
}
