using System.Globalization;
using RangeOrleans.Core.Formats;
using RangeOrleans.Core.Points;

namespace RangeOrleans.Evaluation.Tasks;

/// <summary>
/// Reads lon, lat and one target column from a CSV file with a header row. The coordinate columns may
/// be called lon/longitude and lat/latitude (any case). Every row is checked; an error names the file,
/// row and line.
/// </summary>
public static class CsvTable
{
    public sealed record Columns(double[] Lon, double[] Lat, string[] Target);

    public static Columns Read(string path, string targetColumn)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"task file '{path}' does not exist");
        using var reader = new StreamReader(path, detectEncodingFromByteOrderMarks: true);
        var headerLine = reader.ReadLine() ?? throw new RangeFormatException(path, "empty file: expected a header row");
        var header = CsvLine.Split(headerLine) ?? throw new RangeFormatException(path, "line 1: malformed header (unclosed quote)");
        int lonColumn = Find(header, path, "lon", "longitude");
        int latColumn = Find(header, path, "lat", "latitude");
        int targetIndex = Find(header, path, targetColumn);

        var lon = new List<double>();
        var lat = new List<double>();
        var target = new List<string>();
        int lineNumber = 1, row = 0;
        string? line;
        while ((line = reader.ReadLine()) != null)
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            row++;
            string where = $"row {row} (line {lineNumber})";
            var fields = CsvLine.Split(line) ?? throw new RangeFormatException(path, $"{where}: malformed field (unclosed quote)");
            if (fields.Count != header.Count) throw new RangeFormatException(path, $"{where}: {fields.Count} fields, the header has {header.Count}");
            double x = Number(fields[lonColumn], path, where, "longitude");
            double y = Number(fields[latColumn], path, where, "latitude");
            if (x < -180 || x > 180) throw new RangeFormatException(path, $"{where}: longitude {x} is not in [-180, 180]");
            if (y < -90 || y > 90) throw new RangeFormatException(path, $"{where}: latitude {y} is not in [-90, 90]");
            if (fields[targetIndex].Length == 0) throw new RangeFormatException(path, $"{where}: the {targetColumn} value is empty");
            lon.Add(x);
            lat.Add(y);
            target.Add(fields[targetIndex]);
        }
        if (row == 0) throw new RangeFormatException(path, "no data rows");
        return new Columns(lon.ToArray(), lat.ToArray(), target.ToArray());
    }

    /// <summary>Parses every target as a finite number; throws naming the first bad row.</summary>
    public static double[] Numbers(string path, string column, string[] values)
    {
        var result = new double[values.Length];
        for (int i = 0; i < values.Length; i++) result[i] = Number(values[i], path, $"row {i + 1}", column);
        return result;
    }

    /// <summary>Class numbers 0..C-1 for the distinct values in ordinal order.</summary>
    public static double[] Classes(string[] values)
    {
        var names = values.Distinct().Order(StringComparer.Ordinal).ToArray();
        var index = names.Select((n, i) => (n, i)).ToDictionary(p => p.n, p => (double)p.i);
        return values.Select(v => index[v]).ToArray();
    }

    private static double Number(string text, string path, string where, string what)
    {
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !double.IsFinite(value))
            throw new RangeFormatException(path, $"{where}: {what} '{text}' is not a finite number");
        return value;
    }

    private static int Find(List<string> header, string path, params string[] names)
    {
        for (int i = 0; i < header.Count; i++)
            if (names.Any(n => string.Equals(header[i], n, StringComparison.OrdinalIgnoreCase))) return i;
        throw new ArgumentException($"'{path}' has no column {string.Join(" or ", names.Select(n => $"'{n}'"))} (columns: {string.Join(", ", header)})");
    }
}
