using RangeOrleans.Core.Formats;

namespace RangeOrleans.Storage;

/// <summary>A local blob being written: the project's one atomic file write (<see cref="PendingFile"/>), committed at <see cref="CommitAsync"/>.</summary>
internal sealed class LocalBlobWriter(string targetPath) : IBlobWriter
{
    private readonly PendingFile _file = new(targetPath);

    public Stream Stream => _file.Stream;

    public async Task CommitAsync(CancellationToken cancellationToken = default)
    {
        if (_file.Stream.CanWrite) await _file.Stream.FlushAsync(cancellationToken).ConfigureAwait(false);
        _file.Commit();
    }

    public ValueTask DisposeAsync()
    {
        _file.Dispose();
        return ValueTask.CompletedTask;
    }
}
