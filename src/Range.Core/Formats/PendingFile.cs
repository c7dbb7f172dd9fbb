namespace RangeOrleans.Core.Formats;

/// <summary>
/// A file being written under a temporary name (<c>&lt;target&gt;.partial-&lt;random&gt;</c>, same folder,
/// so the final rename stays on one file system and is atomic). The target appears only on
/// <see cref="Commit"/>; disposing without committing deletes the temporary file, so a crash or an
/// exception never leaves a half-written file under the real name.
/// </summary>
public sealed class PendingFile : IDisposable
{
    private FileStream? _stream;
    private bool _committed;

    public PendingFile(string targetPath)
    {
        TargetPath = Path.GetFullPath(targetPath);
        var folder = Path.GetDirectoryName(TargetPath)!;
        Directory.CreateDirectory(folder);
        TempPath = TargetPath + ".partial-" + Guid.NewGuid().ToString("N")[..12];
        _stream = new FileStream(TempPath, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 16);
    }

    public string TargetPath { get; }
    public string TempPath { get; }

    /// <summary>The stream to write the content to (the temporary file).</summary>
    public FileStream Stream => _stream ?? throw new ObjectDisposedException(nameof(PendingFile));

    /// <summary>Flushes to disk, closes and renames onto the target (replacing an existing file).</summary>
    public void Commit()
    {
        if (_committed) throw new InvalidOperationException("already committed");
        var stream = Stream;
        stream.Flush(flushToDisk: true);
        stream.Dispose();
        _stream = null;
        File.Move(TempPath, TargetPath, overwrite: true);
        _committed = true;
    }

    public void Dispose()
    {
        if (_committed) return;
        _stream?.Dispose();
        _stream = null;
        try { File.Delete(TempPath); }
        catch (IOException) { /* best effort: the name marks it as partial anyway */ }
        catch (UnauthorizedAccessException) { }
    }
}
