using RangeOrleans.Storage;

namespace RangeOrleans.Cli.Export;

/// <summary>
/// Where an export goes: a local file or an az://CONTAINER/PATH blob, written through <see cref="IBlobStore"/>
/// so it appears under its name only when complete (a local file is written beside it and renamed; a blob is
/// committed at the end). Disposing without <see cref="CommitAsync"/> leaves nothing behind.
/// </summary>
internal sealed class ExportTarget : IAsyncDisposable
{
    private readonly IBlobWriter _writer;

    private ExportTarget(string location, IBlobWriter writer)
    {
        Location = location;
        _writer = writer;
    }

    public string Location { get; }
    public Stream Stream => _writer.Stream;

    public static async Task<ExportTarget> CreateAsync(string output)
    {
        if (BlobStores.IsAzure(output))
        {
            var (container, path) = BlobStores.ParseAzure(output);
            int slash = path.LastIndexOf('/');
            if (path.Length == 0) throw new ArgumentException($"--output '{output}': expected az://CONTAINER/PATH/NAME");
            var store = BlobStores.Open(BlobStores.AzureScheme + container + (slash < 0 ? "" : "/" + path[..slash]));
            return new ExportTarget(output, await store.CreateAsync(path[(slash + 1)..]));
        }
        var full = Path.GetFullPath(output);
        var folder = Path.GetDirectoryName(full)!;
        if (!Directory.Exists(folder)) throw new DirectoryNotFoundException($"output folder '{folder}' does not exist");
        if (Directory.Exists(full)) throw new ArgumentException($"--output '{output}' is a folder: expected a file name");
        return new ExportTarget(full, await new LocalFolderBlobStore(folder).CreateAsync(Path.GetFileName(full)));
    }

    public Task CommitAsync() => _writer.CommitAsync();

    public ValueTask DisposeAsync() => _writer.DisposeAsync();
}
