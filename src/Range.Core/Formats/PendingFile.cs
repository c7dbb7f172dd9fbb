using System.Runtime.InteropServices;

namespace RangeOrleans.Core.Formats;

/// <summary>
/// The one way this project writes a file (blobs of the local store, checkpoints, optimiser states, caches, claims,
/// reports): under a unique temporary name beside the target (<c>&lt;target&gt;.partial-&lt;random&gt;</c>, same folder, so the
/// rename stays on one file system), then on <see cref="Commit"/> the file is flushed to disk, renamed onto the target
/// and its folder flushed too, so that after a crash the target holds either its old content or the whole new one.
/// Disposing without committing deletes the temporary file: an exception never leaves a half-written file under the
/// real name. <see cref="CreateNew"/> is the same write that refuses to replace an existing target (an exclusive create).
/// </summary>
public sealed partial class PendingFile : IDisposable
{
    public const string PartialMarker = ".partial-";

    private FileStream? _stream;
    private bool _committed;

    /// <param name="targetPath">The file to write.</param>
    /// <param name="ownerOnly">Create it readable and writable by its owner only (0600 on Unix), for secrets: the mode is set
    /// at creation, so no other user can open the file before it is complete.</param>
    public PendingFile(string targetPath, bool ownerOnly = false)
    {
        TargetPath = Path.GetFullPath(targetPath);
        var folder = Path.GetDirectoryName(TargetPath)!;
        Directory.CreateDirectory(folder);
        TempPath = TargetPath + PartialMarker + Guid.NewGuid().ToString("N");
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.ReadWrite, Share = FileShare.None, BufferSize = 1 << 16 };
        if (ownerOnly && !OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        _stream = new FileStream(TempPath, options);
    }

    public string TargetPath { get; }
    public string TempPath { get; }

    /// <summary>The stream to write the content to (the temporary file). A writer may close it before <see cref="Commit"/>.</summary>
    public FileStream Stream => _stream ?? throw new ObjectDisposedException(nameof(PendingFile));

    /// <summary>Flushes to disk, closes and renames onto the target (replacing an existing file), then flushes the folder.</summary>
    public void Commit() => Finish(replace: true);

    /// <summary>
    /// As <see cref="Commit"/>, but only if no file has the target's name: false (and nothing written) when one has.
    /// Atomic against another writer of the same name.
    /// </summary>
    public bool CommitIfAbsent() => Finish(replace: false);

    /// <summary>
    /// Writes a file through a library that takes a path (<paramref name="write"/> gets the temporary path), then commits it.
    /// </summary>
    public static void Write(string targetPath, Action<string> write)
    {
        using var pending = new PendingFile(targetPath);
        pending.Stream.Dispose(); // the library opens the path itself
        write(pending.TempPath);
        pending.Commit();
    }

    /// <summary>Writes <paramref name="content"/> to <paramref name="targetPath"/>, replacing what it held.</summary>
    public static void WriteAllBytes(string targetPath, ReadOnlySpan<byte> content)
    {
        using var pending = new PendingFile(targetPath);
        pending.Stream.Write(content);
        pending.Commit();
    }

    /// <summary>Writes <paramref name="content"/> to <paramref name="targetPath"/> unless a file has that name; false when one has.</summary>
    public static bool CreateNew(string targetPath, ReadOnlySpan<byte> content)
    {
        using var pending = new PendingFile(targetPath);
        pending.Stream.Write(content);
        return pending.CommitIfAbsent();
    }

    private bool Finish(bool replace)
    {
        if (_committed) throw new InvalidOperationException("already committed");
        if (_stream is { CanWrite: true } stream)
        {
            stream.Flush(flushToDisk: true);
            stream.Dispose();
        }
        else
        {
            // The writer closed the stream (a format writer that owns it): its bytes reached the OS, not necessarily the disk.
            using var reopened = new FileStream(TempPath, FileMode.Open, FileAccess.ReadWrite, FileShare.None);
            reopened.Flush(flushToDisk: true);
        }
        _stream = null;
        if (replace) File.Move(TempPath, TargetPath, overwrite: true);
        else if (!MoveIfAbsent(TempPath, TargetPath)) return false;
        _committed = true;
        SyncFolder(Path.GetDirectoryName(TargetPath)!);
        return true;
    }

    /// <summary>
    /// Gives <paramref name="temp"/> the name <paramref name="target"/> unless that name exists, atomically: link(2) fails
    /// with EEXIST when it does, whoever else links at the same moment (File.Move without overwrite checks, then renames:
    /// of 16 threads at once, two won). Where link fails otherwise (a file system without hard links), that check-then-move.
    /// </summary>
    private static bool MoveIfAbsent(string temp, string target)
    {
        if (!OperatingSystem.IsWindows())
        {
            if (Link(temp, target) == 0)
            {
                File.Delete(temp);
                return true;
            }
            if (Marshal.GetLastPInvokeError() == EEXIST) return false;
            // Any other failure (no hard links here, a permission): the move below reports or does it.
        }
        try { File.Move(temp, target, overwrite: false); }
        catch (IOException) when (File.Exists(target)) { return false; }
        return true;
    }

    private const int EEXIST = 17; // Linux, macOS

    [LibraryImport("libc", EntryPoint = "link", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Link(string existing, string created);

    /// <summary>fsync of the folder, so the rename itself survives a crash (POSIX; Windows has no folder handles to flush).</summary>
    private static void SyncFolder(string folder)
    {
        if (OperatingSystem.IsWindows()) return;
        int fd = Open(folder, O_RDONLY | O_DIRECTORY);
        if (fd < 0) return; // a folder we may not open (no read permission): the file itself is on disk
        try { Fsync(fd); }
        finally { Close(fd); }
    }

    private const int O_RDONLY = 0;
    private static readonly int O_DIRECTORY = OperatingSystem.IsMacOS() ? 0x100000 : RuntimeInformation.ProcessArchitecture is Architecture.Arm64 or Architecture.Arm ? 0x4000 : 0x10000;

    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int Fsync(int fd);

    [LibraryImport("libc", EntryPoint = "close")]
    private static partial int Close(int fd);

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
