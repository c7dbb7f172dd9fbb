namespace RangeOrleans.Grains.Pretraining;

/// <summary>
/// A pretrain run's local work folder, <c>$TMPDIR/range-work/pretrain-RANDOM</c>: it holds an exclusive lock on its
/// <c>.lock</c> file while in use (released by the operating system when the process dies) and is deleted on dispose.
/// Creating one first deletes the folders whose lock nobody holds: those that silos killed mid-run left behind.
/// </summary>
public sealed class PretrainWorkFolder : IDisposable
{
    private const string Prefix = "pretrain-";
    private const string LockFile = ".lock";

    // A folder with no lock file yet is one being created, unless it is this old.
    private static readonly TimeSpan LocklessAge = TimeSpan.FromMinutes(10);

    private readonly FileStream _lock;

    private PretrainWorkFolder(string path, FileStream lockStream)
    {
        Path = path;
        _lock = lockStream;
    }

    public string Path { get; }

    /// <summary>A new work folder under <paramref name="root"/> (default <c>$TMPDIR/range-work</c>); returns the abandoned folders it deleted.</summary>
    public static PretrainWorkFolder Create(out IReadOnlyList<string> removed, string? root = null)
    {
        root ??= System.IO.Path.Combine(System.IO.Path.GetTempPath(), "range-work");
        removed = RemoveAbandoned(root);
        var path = System.IO.Path.Combine(root, $"{Prefix}{Guid.NewGuid():N}");
        Directory.CreateDirectory(path);
        return new PretrainWorkFolder(path, new FileStream(System.IO.Path.Combine(path, LockFile), FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None));
    }

    private static List<string> RemoveAbandoned(string root)
    {
        var removed = new List<string>();
        if (!Directory.Exists(root)) return removed;
        foreach (var folder in Directory.EnumerateDirectories(root, Prefix + "*"))
        {
            try
            {
                var lockPath = System.IO.Path.Combine(folder, LockFile);
                if (File.Exists(lockPath))
                {
                    using (new FileStream(lockPath, FileMode.Open, FileAccess.ReadWrite, FileShare.None)) { } // throws while a live run holds it
                }
                else if (DateTime.UtcNow - Directory.GetLastWriteTimeUtc(folder) < LocklessAge) continue;
                Directory.Delete(folder, recursive: true);
                removed.Add(folder);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { } // in use, or gone already
        }
        return removed;
    }

    public void Dispose()
    {
        _lock.Dispose();
        Directory.Delete(Path, recursive: true);
    }
}
