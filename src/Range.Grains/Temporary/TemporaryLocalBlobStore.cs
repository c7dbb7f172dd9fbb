using System.Runtime.CompilerServices;
using RangeOrleans.Storage;

namespace RangeOrleans.Grains.Temporary;

// THROWAWAY until Range.Storage's LocalFolderBlobStore / BlobStores.Open are merged: delete this folder then.
public sealed class TemporaryLocalBlobStore(string root) : IBlobStore
{
    public string Location { get; } = Path.GetFullPath(root);
    private string PathOf(string name) => Path.Combine(Location, name.Replace('/', Path.DirectorySeparatorChar));
    public Task<bool> ExistsAsync(string name, CancellationToken cancellationToken = default) => Task.FromResult(File.Exists(PathOf(name)));
    public Task<Stream> OpenReadAsync(string name, CancellationToken cancellationToken = default) => Task.FromResult<Stream>(File.OpenRead(PathOf(name)));
    public Task<IBlobWriter> CreateAsync(string name, CancellationToken cancellationToken = default) => Task.FromResult<IBlobWriter>(new Writer(new RangeOrleans.Core.Formats.PendingFile(PathOf(name))));
    public async IAsyncEnumerable<BlobEntry> ListAsync(string prefix = "", [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await Task.Yield();
        if (!Directory.Exists(Location)) yield break;
        foreach (var f in Directory.EnumerateFiles(Location, "*", SearchOption.AllDirectories).Order())
        {
            var name = Path.GetRelativePath(Location, f).Replace(Path.DirectorySeparatorChar, '/');
            if (name.StartsWith(prefix, StringComparison.Ordinal) && !name.Contains(".partial-")) yield return new BlobEntry(name, new FileInfo(f).Length);
        }
    }
    public Task DeleteAsync(string name, CancellationToken cancellationToken = default) { File.Delete(PathOf(name)); return Task.CompletedTask; }

    private sealed class Writer(RangeOrleans.Core.Formats.PendingFile file) : IBlobWriter
    {
        public Stream Stream => file.Stream;
        public Task CommitAsync(CancellationToken cancellationToken = default) { file.Commit(); return Task.CompletedTask; }
        public ValueTask DisposeAsync() { file.Dispose(); return ValueTask.CompletedTask; }
    }
}

public sealed class TemporaryBlobStoreFactory : Storage.IBlobStoreFactory
{
    public IBlobStore Open(string location) => new TemporaryLocalBlobStore(location);
}
