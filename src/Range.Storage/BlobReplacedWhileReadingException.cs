namespace RangeOrleans.Storage;

/// <summary>
/// A blob was replaced by a newer write while it was being read: the bytes read so far belong to a version that is gone,
/// so the read stops rather than mix two versions. Reading it again from the start gives the new version.
/// </summary>
public sealed class BlobReplacedWhileReadingException(string location, string name, Exception inner)
    : IOException($"blob '{name}' in {location} was replaced while it was being read; read it again", inner)
{
    public string BlobName { get; } = name;
}
