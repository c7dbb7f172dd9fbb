namespace RangeOrleans.Storage;

/// <summary>
/// The rules for blob names, shared by every store so a name valid in one is valid in all: relative,
/// '/'-separated, no "." or ".." segments, no empty segments, no backslashes, drive letters or control
/// characters, at most <see cref="MaxLength"/> characters (Azure's limit).
/// </summary>
public static class BlobName
{
    public const int MaxLength = 1024;

    /// <summary>Throws <see cref="ArgumentException"/> naming <paramref name="name"/> and what is wrong with it.</summary>
    public static void Validate(string name, string paramName = "name")
    {
        ArgumentNullException.ThrowIfNull(name, paramName);
        var problem = FindProblem(name, allowTrailingSlash: false);
        if (problem is not null)
            throw new ArgumentException($"invalid blob name '{Printable(name)}': {problem}", paramName);
    }

    /// <summary>
    /// A listing prefix: empty, or a name's beginning ("shards/", "shards/t00"); the same rules,
    /// except that it may end with '/'.
    /// </summary>
    public static void ValidatePrefix(string prefix, string paramName = "prefix")
    {
        ArgumentNullException.ThrowIfNull(prefix, paramName);
        if (prefix.Length == 0) return;
        var problem = FindProblem(prefix, allowTrailingSlash: true);
        if (problem is not null)
            throw new ArgumentException($"invalid blob name prefix '{Printable(prefix)}': {problem}", paramName);
    }

    /// <summary>True if <paramref name="name"/> is a valid blob name.</summary>
    public static bool IsValid(string name) => name is not null && FindProblem(name, allowTrailingSlash: false) is null;

    private static string? FindProblem(string name, bool allowTrailingSlash)
    {
        if (name.Length == 0) return "it is empty";
        if (name.Length > MaxLength) return $"it is {name.Length} characters long (at most {MaxLength})";
        if (name[0] == '/') return "it starts with '/' (names are relative to the store)";
        if (name.Contains('\\')) return "it contains '\\' (use '/' between folders)";
        if (name.Length >= 2 && name[1] == ':' && char.IsAsciiLetter(name[0])) return "it starts with a drive letter";
        foreach (var c in name)
            if (char.IsControl(c)) return $"it contains the control character U+{(int)c:X4}";

        var body = allowTrailingSlash && name.EndsWith('/') ? name[..^1] : name;
        foreach (var segment in body.Split('/'))
        {
            if (segment.Length == 0) return "it has an empty segment ('//' or a trailing '/')";
            if (segment is "." or "..") return $"it has a '{segment}' segment";
        }
        return null;
    }

    // Keeps an error message on one line when the bad name holds control characters.
    private static string Printable(string name)
    {
        var shown = name.Length > 200 ? name[..200] + "..." : name;
        return string.Concat(shown.Select(c => char.IsControl(c) ? $"\\u{(int)c:x4}" : c.ToString()));
    }
}
