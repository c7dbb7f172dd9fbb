namespace RangeOrleans.Storage;

/// <summary>
/// A flat namespace of blobs under one destination root (a local folder or an Azure container + prefix).
/// Names are relative, '/'-separated paths (e.g. "shards/t0012.arrow"); a name that would escape the root
/// ("..", absolute paths, backslashes, empty segments) is refused with <see cref="ArgumentException"/>.
/// Writes become visible only when complete: readers never see a half-written blob.
/// </summary>
public interface IBlobStore
{
    /// <summary>Where this store points, for logs and manifests; never contains credentials.</summary>
    string Location { get; }

    Task<bool> ExistsAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>
    /// Opens a committed blob for reading; <see cref="FileNotFoundException"/> if absent. The stream reads one version: if a
    /// writer replaces the blob meanwhile, either the old version reads on whole (a local file) or a read throws
    /// <see cref="BlobReplacedWhileReadingException"/> (Azure); never a mix of the two.
    /// </summary>
    Task<Stream> OpenReadAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>
    /// Starts a blob that becomes visible (replacing any previous one) only at <see cref="IBlobWriter.CommitAsync"/>. The
    /// token also stops the writer stream's synchronous writes, which take none of their own.
    /// </summary>
    Task<IBlobWriter> CreateAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>
    /// Writes a small blob whole, only if no blob has that name (an exclusive create locally, an If-None-Match: * write on
    /// Azure): of two writers of one name at once exactly one gets true. False, and nothing written, when the name is taken.
    /// </summary>
    Task<bool> CreateIfAbsentAsync(string name, ReadOnlyMemory<byte> content, CancellationToken cancellationToken = default);

    /// <summary>Lists committed blobs whose names start with <paramref name="prefix"/>.</summary>
    IAsyncEnumerable<BlobEntry> ListAsync(string prefix = "", CancellationToken cancellationToken = default);

    /// <summary>Deletes a blob if it exists.</summary>
    Task DeleteAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>
    /// Removes what unfinished writes of <paramref name="name"/> left behind (a writer that was killed
    /// or abandoned): partial files locally, staged but uncommitted blocks on Azure. A committed blob of
    /// that name stays as it is. Call it only when no writer of the name is still running: its
    /// staged data would go too, and its commit would fail.
    /// </summary>
    Task DiscardUnfinishedAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>
    /// <see cref="DiscardUnfinishedAsync"/> for every name that starts with <paramref name="prefix"/>, found by one
    /// listing: what writers nobody remembers left (an earlier run's killed attempt) goes too. The same caution applies.
    /// </summary>
    Task DiscardUnfinishedUnderAsync(string prefix, CancellationToken cancellationToken = default);
}

/// <summary>A blob being written. Disposing it without <see cref="CommitAsync"/> discards it.</summary>
public interface IBlobWriter : IAsyncDisposable
{
    /// <summary>Write the content here (sequentially).</summary>
    Stream Stream { get; }

    /// <summary>Makes the blob visible under its name, atomically.</summary>
    Task CommitAsync(CancellationToken cancellationToken = default);
}

/// <summary>A committed blob's name (relative to the store root) and size.</summary>
public sealed record BlobEntry(string Name, long Length);
