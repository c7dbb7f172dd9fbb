namespace RangeOrleans.Storage;

/// <summary>A local blob being written to a partial file; commit fsyncs it and renames it onto the target.</summary>
internal sealed class LocalBlobWriter : IBlobWriter
{
    private readonly string _targetPath;
    private readonly string _partialPath;
    private readonly FileStream _stream;
    private bool _committed;

    public LocalBlobWriter(string targetPath, string partialPath)
    {
        _targetPath = targetPath;
        _partialPath = partialPath;
        _stream = new FileStream(partialPath, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16);
    }

    public Stream Stream => _stream;

    public async Task CommitAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_committed, this);
        if (_stream.CanWrite)
        {
            await _stream.FlushAsync(cancellationToken).ConfigureAwait(false);
            _stream.Flush(flushToDisk: true);
            await _stream.DisposeAsync().ConfigureAwait(false);
        }
        else
        {
            // The caller closed the stream (a format writer that owns its stream): its bytes reached the
            // OS, but not necessarily the disk.
            using var reopened = new FileStream(_partialPath, FileMode.Open, FileAccess.ReadWrite, FileShare.None);
            reopened.Flush(flushToDisk: true);
        }
        File.Move(_partialPath, _targetPath, overwrite: true);
        _committed = true;
    }

    public async ValueTask DisposeAsync()
    {
        if (_committed) return;
        await _stream.DisposeAsync().ConfigureAwait(false);
        try { File.Delete(_partialPath); }
        catch (IOException) { /* best effort: the name marks it as partial and listings skip it */ }
        catch (UnauthorizedAccessException) { }
    }
}
