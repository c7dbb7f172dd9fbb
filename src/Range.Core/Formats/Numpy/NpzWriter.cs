using System.IO.Compression;

namespace RangeOrleans.Core.Formats.Numpy;

/// <summary>
/// Writes a NumPy .npz archive laid out like numpy.savez (members <c>name.npy</c>, stored) or
/// savez_compressed (deflated). The archive is built under a temporary name and renamed onto the
/// target only by <see cref="Commit"/>; disposing without committing leaves nothing behind.
/// </summary>
public sealed class NpzWriter : IDisposable
{
    private readonly PendingFile _file;
    private readonly ZipArchive _archive;
    private readonly HashSet<string> _names = new(StringComparer.Ordinal);
    private readonly bool _compressed;
    private bool _committed;

    public NpzWriter(string path, bool compressed = false)
    {
        _file = new PendingFile(path);
        _archive = new ZipArchive(_file.Stream, ZipArchiveMode.Create, leaveOpen: true);
        _compressed = compressed;
    }

    public string Path => _file.TargetPath;

    /// <summary>Adds array <paramref name="name"/> (without ".npy"); names must be unique.</summary>
    public void Add(string name, HostTensor tensor)
    {
        if (_committed) throw new InvalidOperationException("archive already committed");
        if (string.IsNullOrEmpty(name) || name.Contains('/') || name.Contains('\\'))
            throw new ArgumentException($"invalid array name '{name}'", nameof(name));
        if (!_names.Add(name)) throw new ArgumentException($"array '{name}' added twice", nameof(name));
        var entry = _archive.CreateEntry(name + ".npy", _compressed ? CompressionLevel.Optimal : CompressionLevel.NoCompression);
        using var stream = entry.Open();
        NpyWriter.Write(stream, tensor);
    }

    /// <summary>Finishes the zip directory and moves the archive onto its target path.</summary>
    public void Commit()
    {
        if (_committed) throw new InvalidOperationException("archive already committed");
        _archive.Dispose(); // writes the central directory
        _file.Commit();
        _committed = true;
    }

    public void Dispose()
    {
        if (!_committed) _archive.Dispose();
        _file.Dispose();
    }

    /// <summary>Writes all <paramref name="arrays"/> in one go, atomically.</summary>
    public static void Write(string path, IEnumerable<KeyValuePair<string, HostTensor>> arrays, bool compressed = false)
    {
        using var writer = new NpzWriter(path, compressed);
        foreach (var (name, tensor) in arrays) writer.Add(name, tensor);
        writer.Commit();
    }
}
