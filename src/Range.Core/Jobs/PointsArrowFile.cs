using Apache.Arrow;
using Apache.Arrow.Ipc;
using Apache.Arrow.Types;
using RangeOrleans.Core.Formats;
using RangeOrleans.Core.Formats.Arrow;
using RangeOrleans.Core.Points;

namespace RangeOrleans.Core.Jobs;

/// <summary>A shard's input points as an Arrow IPC file with float64 <c>lon</c>, <c>lat</c> columns (what <see cref="PointsReader"/> also reads).</summary>
public static class PointsArrowFile
{
    private const int BatchRows = 65536;

    public static void Write(Stream stream, PointSet points)
    {
        var schema = new Schema(
            [new Field("lon", DoubleType.Default, nullable: false), new Field("lat", DoubleType.Default, nullable: false)], null);
        using var writer = new ArrowFileWriter(stream, schema, leaveOpen: true);
        writer.WriteStart();
        for (int start = 0; start < points.Count; start += BatchRows)
        {
            int n = Math.Min(BatchRows, points.Count - start);
            using var batch = new RecordBatch(schema,
                [ArrowColumns.Doubles(points.Lon.AsSpan(start, n)), ArrowColumns.Doubles(points.Lat.AsSpan(start, n))], n);
            writer.WriteRecordBatch(batch);
        }
        writer.WriteEnd();
    }

    /// <summary>Reads a whole file written by <see cref="Write"/>; <paramref name="source"/> names it in errors.</summary>
    public static PointSet Read(Stream stream, string source)
    {
        try
        {
            using var reader = ArrowColumns.OpenFileReader(stream, source, leaveOpen: true);
            int lonIndex = ArrowColumns.RequireField(reader.Schema, "lon", source);
            int latIndex = ArrowColumns.RequireField(reader.Schema, "lat", source);
            var lon = new List<double>();
            var lat = new List<double>();
            while (reader.ReadNextRecordBatch() is { } batch)
            {
                using (batch)
                {
                    var x = new double[batch.Length];
                    var y = new double[batch.Length];
                    ArrowColumns.CopyDoubles(batch.Column(lonIndex), "lon", source, x);
                    ArrowColumns.CopyDoubles(batch.Column(latIndex), "lat", source, y);
                    lon.AddRange(x);
                    lat.AddRange(y);
                }
            }
            return new PointSet(lon.ToArray(), lat.ToArray());
        }
        catch (Exception e) when (ArrowColumns.IsMalformedInput(e))
        {
            throw new RangeFormatException(source, $"not a readable Arrow points file: {e.Message}", e);
        }
    }
}
