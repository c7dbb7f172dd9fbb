using System.Globalization;
using Apache.Arrow;
using Apache.Arrow.Ipc;
using RangeOrleans.Core.Formats;
using RangeOrleans.Core.Formats.Arrow;

namespace RangeOrleans.Core.Points;

/// <summary>
/// Reads query points from a CSV file (header row with <c>lon</c> and <c>lat</c> columns, any
/// order, case-insensitive, other columns ignored) or an Arrow IPC file or stream (float64 or
/// float32 <c>lon</c>, <c>lat</c> columns). The format is decided by content, not extension.
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
        using var reader = new StreamReader(path, detectEncodingFromByteOrderMarks: true);
        int lineNumber = 0;
        string? line;
        do { line = reader.ReadLine(); lineNumber++; } while (line != null && string.IsNullOrWhiteSpace(line));
        if (line == null)
            throw new RangeFormatException(path, "empty file: expected a header row with lon and lat columns");
        var header = CsvLine.Split(line) ?? throw new RangeFormatException(path, $"line {lineNumber}: malformed header (unclosed quote)");
        int lonColumn = FindColumn(header, "lon", path);
        int latColumn = FindColumn(header, "lat", path);

        var lon = new List<double>(Math.Min(chunkSize, 1 << 16));
        var lat = new List<double>(Math.Min(chunkSize, 1 << 16));
        int row = 0;
        while ((line = reader.ReadLine()) != null)
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            row++;
            string where = $"row {row} (line {lineNumber})";
            var fields = CsvLine.Split(line) ?? throw new RangeFormatException(path, $"{where}: malformed field (unclosed quote)");
            if (fields.Count != header.Count)
                throw new RangeFormatException(path, $"{where}: {fields.Count} fields, the header has {header.Count}");
            double x = ParseNumber(fields[lonColumn], "longitude", path, where);
            double y = ParseNumber(fields[latColumn], "latitude", path, where);
            Validate(x, y, path, where);
            lon.Add(x);
            lat.Add(y);
            if (lon.Count == chunkSize)
            {
                yield return new PointSet(lon.ToArray(), lat.ToArray());
                lon.Clear();
                lat.Clear();
            }
        }
        if (row == 0)
            throw new RangeFormatException(path, "no points: the file has a header row but no data rows");
        if (lon.Count > 0) yield return new PointSet(lon.ToArray(), lat.ToArray());
    }

    private static IEnumerable<PointSet> ReadArrow(string path, int chunkSize, Func<Stream, ArrowStreamReader> open)
    {
        using var reader = Guard(path, () => open(File.OpenRead(path)));
        var schema = Guard(path, () => reader.Schema);
        int lonIndex = FindArrowColumn(schema, "lon", path);
        int latIndex = FindArrowColumn(schema, "lat", path);
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
                for (int i = 0; i < lon.Length; i++) Validate(lon[i], lat[i], path, $"row {row + i + 1}");
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

    private static int FindColumn(List<string> header, string name, string path)
    {
        int found = -1;
        for (int i = 0; i < header.Count; i++)
        {
            if (!string.Equals(header[i], name, StringComparison.OrdinalIgnoreCase)) continue;
            if (found >= 0) throw new RangeFormatException(path, $"header has more than one '{name}' column");
            found = i;
        }
        if (found < 0)
            throw new RangeFormatException(path, $"missing '{name}' column (header: {string.Join(",", header)}); expected a header row with lon and lat columns");
        return found;
    }

    private static int FindArrowColumn(Schema schema, string name, string path)
    {
        var matches = schema.FieldsList.Select((f, i) => (f, i)).Where(p => string.Equals(p.f.Name, name, StringComparison.OrdinalIgnoreCase)).ToList();
        if (matches.Count == 0)
            throw new RangeFormatException(path, $"missing '{name}' column (columns: {string.Join(", ", schema.FieldsList.Select(f => f.Name))})");
        if (matches.Count > 1) throw new RangeFormatException(path, $"more than one '{name}' column");
        return matches[0].i;
    }

    private static double ParseNumber(string text, string what, string path, string where)
    {
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
            throw new RangeFormatException(path, $"{where}: {what} '{text}' is not a number");
        return value;
    }

    private static void Validate(double lon, double lat, string path, string where)
    {
        string x = lon.ToString(CultureInfo.InvariantCulture), y = lat.ToString(CultureInfo.InvariantCulture);
        string? problem =
            !double.IsFinite(lon) ? $"longitude {x} is not finite"
            : !double.IsFinite(lat) ? $"latitude {y} is not finite"
            : lon < -180 || lon > 180 ? $"longitude {x} is outside [-180, 180]"
            : lat < -90 || lat > 90 ? $"latitude {y} is outside [-90, 90]"
            : null;
        if (problem != null) throw new RangeFormatException(path, $"{where}: {problem}");
    }
}
