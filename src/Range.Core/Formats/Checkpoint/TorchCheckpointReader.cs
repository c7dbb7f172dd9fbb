using System.IO.Compression;
using System.Text;
using RangeOrleans.Core.Formats.Pickle;

namespace RangeOrleans.Core.Formats.Checkpoint;

/// <summary>
/// Reads a <c>torch.save</c> zip checkpoint (as Lightning writes them) in pure managed code: finds
/// <c>&lt;name&gt;/data.pkl</c>, unpickles it with the allow-list <see cref="SafeUnpickler"/>, and turns
/// every tensor reference into a C-contiguous <see cref="HostTensor"/> copied out of its storage blob.
/// Any malformed, truncated or hostile file gives a <see cref="RangeFormatException"/> naming the path;
/// every member read is checked against its CRC-32 (<see cref="ZipMember"/>).
/// </summary>
public static class TorchCheckpointReader
{
    public static TorchCheckpoint Read(string path, TorchCheckpointLimits? limits = null)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        return Read(stream, path, limits);
    }

    /// <param name="stream">A seekable stream holding the zip.</param>
    /// <param name="sourceName">Name used in error messages and <see cref="TorchCheckpoint.SourcePath"/>.</param>
    public static TorchCheckpoint Read(Stream stream, string sourceName, TorchCheckpointLimits? limits = null)
    {
        limits ??= TorchCheckpointLimits.Default;
        try
        {
            using var zip = new ZipArchive(stream, ZipArchiveMode.Read, leaveOpen: true);
            var pklEntry = FindDataPkl(zip, sourceName);
            string archiveName = pklEntry.FullName[..^"/data.pkl".Length];
            CheckByteOrder(zip, archiveName, sourceName);

            var pickle = ReadPickle(pklEntry, sourceName, limits);
            var loader = new TensorStorageLoader(zip, archiveName, sourceName, limits);
            var root = SafeUnpickler.Load(pickle, $"{sourceName} ({pklEntry.FullName})", limits.Unpickler, loader.Rebuild);
            return new TorchCheckpoint(sourceName, archiveName, root);
        }
        catch (InvalidDataException e)
        {
            throw new RangeFormatException(sourceName, $"not a readable zip checkpoint (corrupt or truncated): {e.Message}", e);
        }
        catch (EndOfStreamException e)
        {
            throw new RangeFormatException(sourceName, $"checkpoint ends early (truncated): {e.Message}", e);
        }
    }

    private static ZipArchiveEntry FindDataPkl(ZipArchive zip, string sourceName)
    {
        // torch.save names the top folder after the file (or "archive"); we accept any single folder.
        var candidates = zip.Entries
            .Where(e => e.FullName.EndsWith("/data.pkl", StringComparison.Ordinal) && e.FullName.Count(c => c == '/') == 1)
            .ToList();
        return candidates.Count switch
        {
            1 => candidates[0],
            0 => throw new RangeFormatException(sourceName, "no '<name>/data.pkl' member: not a torch.save zip checkpoint"),
            _ => throw new RangeFormatException(sourceName,
                $"{candidates.Count} data.pkl members ({string.Join(", ", candidates.Select(c => c.FullName))}); expected exactly one"),
        };
    }

    private static void CheckByteOrder(ZipArchive zip, string archiveName, string sourceName)
    {
        // Newer torch records the writer's byte order; older files omit it and are little-endian.
        var entry = zip.GetEntry($"{archiveName}/byteorder");
        if (entry == null) return;
        if (entry.Length > 16) throw new RangeFormatException(sourceName, "byteorder member is too long");
        var order = Encoding.ASCII.GetString(ZipMember.ReadAllBytes(entry, sourceName)).Trim();
        if (order != "little") throw new RangeFormatException(sourceName, $"byteorder '{order}' is not supported (only little)");
    }

    private static byte[] ReadPickle(ZipArchiveEntry entry, string sourceName, TorchCheckpointLimits limits)
    {
        if (entry.Length > limits.MaxPickleBytes)
            throw new RangeFormatException(sourceName, $"{entry.FullName} is {entry.Length} bytes, more than the limit {limits.MaxPickleBytes}");
        return ZipMember.ReadAllBytes(entry, sourceName);
    }
}
