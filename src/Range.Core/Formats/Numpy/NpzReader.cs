using System.IO.Compression;

namespace RangeOrleans.Core.Formats.Numpy;

/// <summary>
/// Reads the arrays of a NumPy .npz archive (numpy.savez / savez_compressed: a zip of
/// <c>name.npy</c> members, stored or deflated). Array names are given without the ".npy"
/// suffix. Errors name the archive and member as <c>file.npz:member.npy</c>; every member read is
/// checked against its CRC-32 (<see cref="ZipMember"/>).
/// </summary>
public sealed class NpzReader : IDisposable
{
    private const string MemberSuffix = ".npy";
    private readonly ZipArchive _archive;
    private readonly Dictionary<string, ZipArchiveEntry> _entries = new(StringComparer.Ordinal);

    private NpzReader(string path, ZipArchive archive)
    {
        Path = path;
        _archive = archive;
        foreach (var entry in archive.Entries)
        {
            if (entry.FullName.EndsWith(MemberSuffix, StringComparison.Ordinal))
                _entries[entry.FullName[..^MemberSuffix.Length]] = entry;
        }
        Names = _entries.Keys.ToArray();
    }

    public string Path { get; }

    /// <summary>The array names in archive order, without ".npy".</summary>
    public IReadOnlyList<string> Names { get; }

    public static NpzReader Open(string path)
    {
        FileStream stream;
        try { stream = File.OpenRead(path); }
        catch (FileNotFoundException e) { throw new RangeFormatException(path, "file not found", e); }
        catch (DirectoryNotFoundException e) { throw new RangeFormatException(path, "file not found", e); }
        try
        {
            return new NpzReader(path, new ZipArchive(stream, ZipArchiveMode.Read, leaveOpen: false));
        }
        catch (InvalidDataException e)
        {
            stream.Dispose();
            throw new RangeFormatException(path, $"not a readable .npz (zip) archive, corrupt or truncated: {e.Message}", e);
        }
    }

    public bool Contains(string name) => _entries.ContainsKey(StripSuffix(name));

    /// <summary>Reads one array, by name with or without ".npy".</summary>
    public HostTensor Read(string name, long? maxElements = null)
    {
        name = StripSuffix(name);
        string source = $"{Path}:{name}{MemberSuffix}";
        if (!_entries.TryGetValue(name, out var entry))
            throw new RangeFormatException(source, $"no such array in the archive (it has: {string.Join(", ", Names)})");
        try
        {
            return ZipMember.Read(entry, Path, stream => NpyReader.Read(stream, source, entry.Length, maxElements));
        }
        catch (InvalidDataException e)
        {
            throw new RangeFormatException(source, $"corrupt or truncated archive member: {e.Message}", e);
        }
        catch (IOException e) when (e is not FileNotFoundException)
        {
            throw new RangeFormatException(source, $"cannot read archive member: {e.Message}", e);
        }
    }

    public void Dispose() => _archive.Dispose();

    private static string StripSuffix(string name) =>
        name.EndsWith(MemberSuffix, StringComparison.Ordinal) ? name[..^MemberSuffix.Length] : name;
}
