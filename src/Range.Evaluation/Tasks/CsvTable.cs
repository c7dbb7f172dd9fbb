using System.Globalization;
using RangeOrleans.Core.Formats;
using RangeOrleans.Core.Points;

namespace RangeOrleans.Evaluation.Tasks;

/// <summary>
/// Reads the longitude, latitude and one target column of a CSV file with a header row, through the one
/// CSV reader (<see cref="CsvReader"/>): the coordinate columns are named as for every points file
/// (<see cref="PointColumns"/>: lon/lng/long/longitude and lat/latitude, any case). Every row is checked;
/// an error names the file, row and line.
/// </summary>
public static class CsvTable
{
    public sealed record Columns(double[] Lon, double[] Lat, string[] Target);

    public static Columns Read(string path, string targetColumn)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"task file '{path}' does not exist");
        using var csv = CsvReader.Open(path);
        var (lonColumn, latColumn) = PointColumns.Find(csv.Header, path);
        int targetIndex = csv.Column(targetColumn);
        if (targetIndex < 0)
            throw new ArgumentException($"'{path}' has no column '{targetColumn}' (columns: {string.Join(", ", csv.Header)})");

        var lon = new List<double>();
        var lat = new List<double>();
        var target = new List<string>();
        while (csv.ReadRow() is { } fields)
        {
            double x = csv.Number(fields[lonColumn], "longitude");
            double y = csv.Number(fields[latColumn], "latitude");
            PointColumns.Validate(x, y, path, csv.Where);
            if (fields[targetIndex].Length == 0) throw csv.Error($"the {targetColumn} value is empty");
            lon.Add(x);
            lat.Add(y);
            target.Add(fields[targetIndex]);
        }
        if (csv.Row == 0) throw new RangeFormatException(path, "no data rows");
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
}
