namespace RangeOrleans.Core.Points;

/// <summary>
/// Splits one CSV line into fields: comma-separated, fields optionally in double quotes with
/// "" for a literal quote. Minimal on purpose (no line breaks inside quotes): point files are
/// plain numbers, and anything fancier is reported by the caller as a bad row.
/// </summary>
public static class CsvLine
{
    /// <summary>The fields, trimmed; null if a quoted field is not closed.</summary>
    public static List<string>? Split(string line)
    {
        var fields = new List<string>();
        int i = 0;
        while (true)
        {
            while (i < line.Length && line[i] is ' ' or '\t') i++;
            if (i < line.Length && line[i] == '"')
            {
                var sb = new System.Text.StringBuilder();
                i++;
                while (true)
                {
                    if (i >= line.Length) return null;
                    if (line[i] == '"')
                    {
                        if (i + 1 < line.Length && line[i + 1] == '"') { sb.Append('"'); i += 2; continue; }
                        i++;
                        break;
                    }
                    sb.Append(line[i++]);
                }
                while (i < line.Length && line[i] is ' ' or '\t') i++;
                if (i < line.Length && line[i] != ',') return null; // text after the closing quote
                fields.Add(sb.ToString().Trim());
            }
            else
            {
                int end = line.IndexOf(',', i);
                if (end < 0) end = line.Length;
                fields.Add(line[i..end].Trim());
                i = end;
            }
            if (i >= line.Length) return fields;
            i++; // the comma
        }
    }
}
