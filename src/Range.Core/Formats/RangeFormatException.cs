namespace RangeOrleans.Core.Formats;

/// <summary>
/// A file (or stream) could not be read because it is malformed, truncated, hostile or does not
/// match what the caller expected. The message always names the source and what is wrong.
/// Every reader in this library throws this type (or a subclass) for bad input, never a crash.
/// </summary>
public class RangeFormatException : Exception
{
    public RangeFormatException(string source, string detail, Exception? inner = null)
        : base($"{source}: {detail}", inner)
    {
        Source = source;
        Detail = detail;
    }

    /// <summary>The file path, archive member or other name of what was being read.</summary>
    public new string Source { get; }

    /// <summary>What was wrong, without the source prefix.</summary>
    public string Detail { get; }
}
