namespace RangeOrleans.Core.Formats;

/// <summary>The first bytes of a file, for telling formats apart by their magic rather than their name.</summary>
public static class FileHead
{
    /// <summary>Up to <paramref name="count"/> leading bytes; an unreadable file is a <see cref="RangeFormatException"/>.</summary>
    public static byte[] Read(string path, int count = 8)
    {
        var head = new byte[count];
        try
        {
            using var stream = File.OpenRead(path);
            int read = stream.ReadAtLeast(head, count, throwOnEndOfStream: false);
            return head[..read];
        }
        catch (IOException e) { throw new RangeFormatException(path, $"cannot open: {e.Message}", e); }
        catch (UnauthorizedAccessException e) { throw new RangeFormatException(path, $"cannot open: {e.Message}", e); }
    }
}
