using System.Globalization;
using RangeOrleans.Core.Formats;

namespace RangeOrleans.Core.Points;

/// <summary>
/// The one CSV reader of this project (points for embed and map, tasks for eval): a header row (blank lines
/// before it skipped), then data rows split by <see cref="CsvLine"/>; blank lines are skipped and every row
/// must have as many fields as the header. Errors are one <see cref="RangeFormatException"/> line naming the
/// file, the 1-based data row and the file line, as <see cref="Where"/> writes them.
/// </summary>
public sealed class CsvReader : IDisposable
{
    private readonly StreamReader _reader;

    private CsvReader(string path, StreamReader reader, IReadOnlyList<string> header, int line)
    {
        Path = path;
        _reader = reader;
        Header = header;
        Line = line;
    }

    public string Path { get; }

    /// <summary>The header's column names, trimmed.</summary>
    public IReadOnlyList<string> Header { get; }

    /// <summary>The data rows read so far (the current row's 1-based number).</summary>
    public int Row { get; private set; }

    /// <summary>The file line of the current row (1-based).</summary>
    public int Line { get; private set; }

    /// <summary>"row R (line L)": where the current row is, for error messages.</summary>
    public string Where => $"row {Row} (line {Line})";

    /// <summary>Opens the file and reads its header row.</summary>
    public static CsvReader Open(string path)
    {
        var reader = new StreamReader(path, detectEncodingFromByteOrderMarks: true);
        try
        {
            int line = 0;
            string? text;
            do { text = reader.ReadLine(); line++; } while (text != null && string.IsNullOrWhiteSpace(text));
            if (text == null) throw new RangeFormatException(path, "empty file: expected a header row");
            var header = CsvLine.Split(text) ?? throw new RangeFormatException(path, $"line {line}: malformed header (unclosed quote)");
            return new CsvReader(path, reader, header, line);
        }
        catch
        {
            reader.Dispose();
            throw;
        }
    }

    /// <summary>The next data row's fields (as many as the header's), or null at the end of the file.</summary>
    public IReadOnlyList<string>? ReadRow()
    {
        string? text;
        do
        {
            text = _reader.ReadLine();
            if (text == null) return null;
            Line++;
        } while (string.IsNullOrWhiteSpace(text));
        Row++;
        var fields = CsvLine.Split(text) ?? throw Error("malformed field (unclosed quote)");
        if (fields.Count != Header.Count) throw Error($"{fields.Count} fields, the header has {Header.Count}");
        return fields;
    }

    /// <summary>The index of the column named <paramref name="name"/> (any case), or -1.</summary>
    public int Column(string name)
    {
        for (int i = 0; i < Header.Count; i++)
            if (string.Equals(Header[i], name, StringComparison.OrdinalIgnoreCase)) return i;
        return -1;
    }

    /// <summary>A field of the current row as a number (invariant culture); <paramref name="what"/> names it in the error.</summary>
    public double Number(string text, string what)
    {
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
            throw Error($"{what} '{text}' is not a number");
        return value;
    }

    /// <summary>An error about the current row.</summary>
    public RangeFormatException Error(string detail) => new(Path, $"{Where}: {detail}");

    public void Dispose() => _reader.Dispose();
}
