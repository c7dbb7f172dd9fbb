using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;

namespace RangeOrleans.Storage;

/// <summary>
/// Blobs as files under a root folder. A write goes to "&lt;name&gt;.partial-&lt;guid&gt;" beside the target and is
/// renamed onto it at commit (<see cref="Core.Formats.PendingFile"/>); listings skip those partial files.
/// </summary>
public sealed partial class LocalFolderBlobStore : IBlobStore
{
    private const string PartialMarker = Core.Formats.PendingFile.PartialMarker;
    private readonly string _root;

    public LocalFolderBlobStore(string rootFolder)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(rootFolder);
        _root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(rootFolder));
    }

    /// <summary>The root folder's full path.</summary>
    public string Location => _root;

    public override string ToString() => Location;

    public Task<bool> ExistsAsync(string name, CancellationToken cancellationToken = default)
    {
        var path = Resolve(name);
        return Task.FromResult(File.Exists(path));
    }

    public Task<Stream> OpenReadAsync(string name, CancellationToken cancellationToken = default)
    {
        var path = Resolve(name);
        try
        {
            Stream stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete,
                1 << 16, FileOptions.SequentialScan);
            return Task.FromResult(stream);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException
                                   || (e is UnauthorizedAccessException && Directory.Exists(path)))
        {
            // A folder is not a blob (Azure has no folders to open either).
            throw new FileNotFoundException($"blob '{name}' not found in {Location}", path, e);
        }
    }

    public Task<IBlobWriter> CreateAsync(string name, CancellationToken cancellationToken = default)
    {
        var path = Resolve(name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        IBlobWriter writer = new LocalBlobWriter(path);
        return Task.FromResult(writer);
    }

    public Task<bool> CreateIfAbsentAsync(string name, ReadOnlyMemory<byte> content, CancellationToken cancellationToken = default)
    {
        var path = Resolve(name);
        return Task.FromResult(Core.Formats.PendingFile.CreateNew(path, content.Span));
    }

    public async IAsyncEnumerable<BlobEntry> ListAsync(string prefix = "",
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var entries = new List<BlobEntry>();
        foreach (var (name, file) in FilesUnder(prefix))
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (IsPartial(name) || !BlobName.IsValid(name)) continue;
            entries.Add(new BlobEntry(name, file.Length));
        }
        // Sorted by name, as Azure lists.
        entries.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
        foreach (var entry in entries)
        {
            yield return entry;
            await Task.Yield();
        }
    }

    public Task DeleteAsync(string name, CancellationToken cancellationToken = default)
    {
        var path = Resolve(name);
        // A folder under the name is no blob (ExistsAsync says false): nothing of ours to delete, and not ours to remove.
        if (Directory.Exists(path)) return Task.CompletedTask;
        try { File.Delete(path); } // no error if absent
        catch (DirectoryNotFoundException) { /* nor if its folder is */ }
        return Task.CompletedTask;
    }

    public Task DiscardUnfinishedAsync(string name, CancellationToken cancellationToken = default)
    {
        var path = Resolve(name);
        DeletePartials(Path.GetDirectoryName(path)!, Path.GetFileName(path) + PartialMarker);
        return Task.CompletedTask;
    }

    public Task DiscardUnfinishedUnderAsync(string prefix, CancellationToken cancellationToken = default)
    {
        foreach (var (name, file) in FilesUnder(prefix))
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (IsPartial(name)) TryDelete(file.FullName);
        }
        return Task.CompletedTask;
    }

    /// <summary>Every file (partial ones too) whose name, relative to the root with '/', starts with <paramref name="prefix"/>.</summary>
    private IEnumerable<(string Name, FileInfo File)> FilesUnder(string prefix)
    {
        BlobName.ValidatePrefix(prefix);
        // Start at the deepest folder the prefix names, not at the root.
        var slash = prefix.LastIndexOf('/');
        var folder = slash < 0 ? _root : CheckedPath(prefix[..slash]);
        if (!Directory.Exists(folder)) yield break;
        var options = new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0, IgnoreInaccessible = true };
        foreach (var file in new DirectoryInfo(folder).EnumerateFiles("*", options))
        {
            var name = Path.GetRelativePath(_root, file.FullName).Replace(Path.DirectorySeparatorChar, '/');
            if (name.StartsWith(prefix, StringComparison.Ordinal)) yield return (name, file);
        }
    }

    /// <summary>Deletes the partial files in <paramref name="folder"/> whose names start with <paramref name="start"/>.</summary>
    private static void DeletePartials(string folder, string start)
    {
        if (!Directory.Exists(folder)) return;
        foreach (var file in Directory.EnumerateFiles(folder))
        {
            string fileName = Path.GetFileName(file);
            if (fileName.StartsWith(start, StringComparison.Ordinal) && IsPartial(fileName)) TryDelete(file);
        }
    }

    private static void TryDelete(string path)
    {
        try { File.Delete(path); }
        catch (IOException) { /* gone already, or in use by a writer that is still running */ }
    }

    /// <summary>The full path of a blob, refused if the name is invalid or the path leaves the root.</summary>
    private string Resolve(string name)
    {
        BlobName.Validate(name);
        if (IsPartial(name))
            throw new ArgumentException($"invalid blob name '{name}': names ending in '{PartialMarker}<hex>' mark unfinished writes here", nameof(name));
        return CheckedPath(name);
    }

    private string CheckedPath(string relative)
    {
        var path = Path.GetFullPath(Path.Combine(_root, relative));
        if (!IsUnderRoot(path))
            throw new ArgumentException($"blob name '{relative}' resolves outside {Location}", "name");
        RefuseLinkEscapes(relative);
        return path;
    }

    private bool IsUnderRoot(string fullPath) =>
        fullPath.StartsWith(_root + Path.DirectorySeparatorChar, StringComparison.Ordinal);

    // A symbolic link inside the root that points outside it would let a name escape; checking each
    // existing component costs one stat per folder level.
    private void RefuseLinkEscapes(string relative)
    {
        var current = _root;
        foreach (var segment in relative.Split('/'))
        {
            current = Path.Combine(current, segment);
            FileSystemInfo info = Directory.Exists(current) ? new DirectoryInfo(current) : new FileInfo(current);
            if (!info.Exists) return;
            if (info.LinkTarget is null) continue;
            var target = info.ResolveLinkTarget(returnFinalTarget: true);
            if (target is null || !IsUnderRoot(Path.GetFullPath(target.FullName)))
                throw new ArgumentException($"blob name '{relative}' goes through a symbolic link that leaves {Location}", "name");
        }
    }

    private static bool IsPartial(string name) => PartialSuffix().IsMatch(name);

    [GeneratedRegex(@"\.partial-[0-9a-f]+$")]
    private static partial Regex PartialSuffix();
}
