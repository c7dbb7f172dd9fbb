using Apache.Arrow;
using Apache.Arrow.Ipc;
using RangeOrleans.Core.Formats;
using RangeOrleans.Core.Formats.Arrow;

namespace RangeOrleans.Core.Points;

/// <summary>
/// Reads query points from a CSV file (header row with a longitude and a latitude column, any order,
/// named as <see cref="PointColumns"/> accepts, other columns ignored; read by <see cref="CsvReader"/>)
/// or an Arrow IPC file or stream (float64 or float32 columns named the same way). The format is
/// decided by content, not extension.
/// Every point is validated; errors are one line naming the file and the 1-based data row
/// (and, for CSV, the line number).
/// </summary>
public static class PointsReader
{
    public const int DefaultChunkSize = 65536;

    private static ReadOnlySpan<byte> ArrowFileMagic => "ARROW1"u8;
    private static ReadOnlySpan<byte> ArrowStreamContinuation => [0xFF, 0xFF, 0xFF, 0xFF];

    public static PointSet Read(string path) => PointSet.Concat(ReadChunks(path, DefaultChunkSize));

    /// <summary>Streams the points in chunks of at most <paramref name="chunkSize"/>, validating as it goes.</summary>
    public static IEnumerable<PointSet> ReadChunks(string path, int chunkSize = DefaultChunkSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(chunkSize, 1);
        return DetectFormat(path) switch
        {
            Format.ArrowFile => ReadArrow(path, chunkSize, stream => ArrowColumns.OpenFileReader(stream, path, leaveOpen: false)),
            Format.ArrowStream => ReadArrow(path, chunkSize, stream => ArrowColumns.OpenStreamReader(stream, path, leaveOpen: false)),
            _ => ReadCsv(path, chunkSize),
        };
    }

    private enum Format { Csv, ArrowFile, ArrowStream }

    private static Format DetectFormat(string path)
    {
        ReadOnlySpan<byte> head = FileHead.Read(path, 6);
        if (head.StartsWith(ArrowFileMagic)) return Format.ArrowFile;
        if (head.StartsWith(ArrowStreamContinuation)) return Format.ArrowStream;
        return Format.Csv;
    }

    private static IEnumerable<PointSet> ReadCsv(string path, int chunkSize)
    {
        using var csv = CsvReader.Open(path);
        var (lonColumn, latColumn) = PointColumns.Find(csv.Header, path);
        var lon = new List<double>(Math.Min(chunkSize, 1 << 16));
        var lat = new List<double>(Math.Min(chunkSize, 1 << 16));
        while (csv.ReadRow() is { } fields)
        {
            double x = csv.Number(fields[lonColumn], "longitude");
            double y = csv.Number(fields[latColumn], "latitude");
            PointColumns.Validate(x, y, path, csv.Where);
            lon.Add(x);
            lat.Add(y);
            if (lon.Count == chunkSize)
            {
                yield return new PointSet(lon.ToArray(), lat.ToArray());
                lon.Clear();
                lat.Clear();
            }
        }
        if (csv.Row == 0)
            throw new RangeFormatException(path, "no points: the file has a header row but no data rows");
        if (lon.Count > 0) yield return new PointSet(lon.ToArray(), lat.ToArray());
    }

    private static IEnumerable<PointSet> ReadArrow(string path, int chunkSize, Func<Stream, ArrowStreamReader> open)
    {
        using var reader = Guard(path, () => open(File.OpenRead(path)));
        var schema = Guard(path, () => reader.Schema);
        var (lonIndex, latIndex) = PointColumns.Find(schema.FieldsList.Select(f => f.Name).ToList(), path);
        long row = 0;
        while (Guard(path, reader.ReadNextRecordBatch) is { } batch)
        {
            using (batch)
            {
                var (lon, lat) = Guard(path, () =>
                {
                    var lon = new double[batch.Length];
                    var lat = new double[batch.Length];
                    ArrowColumns.CopyDoubles(batch.Column(lonIndex), schema.GetFieldByIndex(lonIndex).Name, path, lon, allowFloat: true);
                    ArrowColumns.CopyDoubles(batch.Column(latIndex), schema.GetFieldByIndex(latIndex).Name, path, lat, allowFloat: true);
                    return (lon, lat);
                });
                for (int i = 0; i < lon.Length; i++) PointColumns.Validate(lon[i], lat[i], path, $"row {row + i + 1}");
                for (int start = 0; start < lon.Length; start += chunkSize)
                {
                    int n = Math.Min(chunkSize, lon.Length - start);
                    yield return new PointSet(lon[start..(start + n)], lat[start..(start + n)]);
                }
                row += lon.Length;
            }
        }
        if (row == 0)
            throw new RangeFormatException(path, "no points: the Arrow file has no rows");
    }

    // Arrow's own exceptions for a malformed file become one-line format errors (cannot catch around a yield).
    private static T Guard<T>(string path, Func<T> read)
    {
        try { return read(); }
        catch (Exception e) when (ArrowColumns.IsMalformedInput(e))
        {
            throw new RangeFormatException(path, $"not a readable Arrow IPC file: {e.Message}", e);
        }
    }
}
