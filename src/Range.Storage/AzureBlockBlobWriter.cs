using Azure.Storage.Blobs.Specialized;

namespace RangeOrleans.Storage;

/// <summary>
/// An Azure blob being written: the stream stages blocks as it fills; commit stages the rest and commits
/// the block list, which is the moment the blob appears (or is replaced). Uncommitted blocks of an
/// abandoned writer are garbage-collected by the service.
/// </summary>
internal sealed class AzureBlockBlobWriter : IBlobWriter
{
    private readonly BlockStagingStream _stream;
    private bool _committed;

    /// <param name="cancellationToken">Stops the stream's synchronous writes (see <see cref="BlockStagingStream"/>).</param>
    public AzureBlockBlobWriter(BlockBlobClient blob, int blockSize, CancellationToken cancellationToken)
    {
        _stream = new BlockStagingStream(blob, blockSize, cancellationToken);
    }

    public Stream Stream => _stream;

    public async Task CommitAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_committed, this);
        await _stream.CommitAsync(cancellationToken).ConfigureAwait(false);
        _committed = true;
    }

    public ValueTask DisposeAsync()
    {
        _stream.Release();
        return ValueTask.CompletedTask;
    }
}
