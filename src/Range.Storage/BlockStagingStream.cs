using System.Buffers;
using Azure.Storage.Blobs.Specialized;

namespace RangeOrleans.Storage;

/// <summary>
/// A write-only stream that buffers one block and stages it with StageBlock when full. Block ids carry a
/// per-writer random part, so two writers of the same blob name never stage over each other's blocks.
/// Disposing the stream (a format writer that owns it) keeps the buffered bytes for the commit. A synchronous write
/// takes no token, so the one given at creation stops the StageBlock it makes: a cancelled writer is not left retrying
/// an upload while storage is down, to stage a block once it is back.
/// </summary>
internal sealed class BlockStagingStream : Stream
{
    private readonly BlockBlobClient _blob;
    private readonly CancellationToken _cancellation;
    private readonly byte[] _writerId = Guid.NewGuid().ToByteArray();
    private readonly List<string> _blockIds = [];
    private byte[]? _buffer;
    private int _filled;
    private long _length;
    private bool _closed;

    public BlockStagingStream(BlockBlobClient blob, int blockSize, CancellationToken cancellationToken)
    {
        _blob = blob;
        _cancellation = cancellationToken;
        _buffer = ArrayPool<byte>.Shared.Rent(blockSize);
        BlockSize = blockSize;
    }

    public int BlockSize { get; }

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => !_closed && _buffer is not null;
    public override long Length => _length;
    public override long Position { get => _length; set => throw new NotSupportedException(); }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> data)
    {
        var block = WritableBuffer();
        while (!data.IsEmpty)
        {
            var n = Math.Min(data.Length, BlockSize - _filled);
            data[..n].CopyTo(block.AsSpan(_filled));
            _filled += n;
            _length += n;
            data = data[n..];
            if (_filled == BlockSize) StageBlock();
        }
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default)
    {
        var block = WritableBuffer();
        while (!data.IsEmpty)
        {
            var n = Math.Min(data.Length, BlockSize - _filled);
            data[..n].CopyTo(block.AsMemory(_filled));
            _filled += n;
            _length += n;
            data = data[n..];
            if (_filled == BlockSize) await StageBlockAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public override void Flush() { } // blocks are staged when full; the blob appears only at commit
    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Stages what is buffered and commits the block list (an empty list makes a zero-length blob).</summary>
    public async Task CommitAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_buffer is null, this);
        if (_filled > 0) await StageBlockAsync(cancellationToken).ConfigureAwait(false);
        await _blob.CommitBlockListAsync(_blockIds, cancellationToken: cancellationToken).ConfigureAwait(false);
        _closed = true;
        Release();
    }

    /// <summary>Returns the buffer to the pool; the stream is unusable afterwards.</summary>
    public void Release()
    {
        _closed = true;
        var buffer = _buffer;
        _buffer = null;
        if (buffer is not null) ArrayPool<byte>.Shared.Return(buffer);
    }

    // Closing the stream is not the end of the blob: the writer's commit is.
    protected override void Dispose(bool disposing) => _closed = true;

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();

    private byte[] WritableBuffer()
    {
        ObjectDisposedException.ThrowIf(!CanWrite, this);
        return _buffer!;
    }

    private void StageBlock()
    {
        var id = NextBlockId();
        using var content = new MemoryStream(_buffer!, 0, _filled, writable: false);
        try { _blob.StageBlock(id, content, cancellationToken: _cancellation); }
        catch (Exception e) when (e is not OperationCanceledException && _cancellation.IsCancellationRequested) { throw Cancelled(e, _cancellation); }
        Staged(id);
    }

    private async Task StageBlockAsync(CancellationToken cancellationToken)
    {
        var id = NextBlockId();
        using var content = new MemoryStream(_buffer!, 0, _filled, writable: false);
        try { await _blob.StageBlockAsync(id, content, cancellationToken: cancellationToken).ConfigureAwait(false); }
        catch (Exception e) when (e is not OperationCanceledException && cancellationToken.IsCancellationRequested) { throw Cancelled(e, cancellationToken); }
        Staged(id);
    }

    // Cancelled between retries, the SDK throws the failures it retried: the caller asked to stop, so it is told so.
    private static OperationCanceledException Cancelled(Exception failure, CancellationToken cancellationToken) =>
        new("the block upload was cancelled", failure, cancellationToken);

    private void Staged(string id)
    {
        _blockIds.Add(id);
        _filled = 0;
    }

    // Every id of a blob must have the same length: 16 random bytes of the writer + a 4-byte index.
    private string NextBlockId()
    {
        Span<byte> raw = stackalloc byte[20];
        _writerId.CopyTo(raw);
        BitConverter.TryWriteBytes(raw[16..], _blockIds.Count);
        return Convert.ToBase64String(raw);
    }
}
