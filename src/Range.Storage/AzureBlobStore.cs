using System.Runtime.CompilerServices;
using Azure;
using Azure.Core;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;

namespace RangeOrleans.Storage;

/// <summary>
/// Blobs in an Azure Blob container (or Azurite) under a name prefix. Writes stage blocks and commit the
/// block list at the end, so a blob appears whole or not at all. Transient failures are retried by the
/// SDK's own policy (<see cref="CreateClientOptions"/>), not here.
/// </summary>
public sealed class AzureBlobStore : IBlobStore
{
    /// <summary>Default size of a staged block: big enough for throughput, small enough to buffer per writer.</summary>
    public const int DefaultBlockSize = 4 * 1024 * 1024;

    // Range size of reads: fewer round trips than the SDK's 4 MiB default on fast links.
    private const int ReadBufferSize = 8 * 1024 * 1024;

    private readonly BlobContainerClient _container;
    private readonly string _prefix; // "" or "some/prefix/"
    private readonly int _blockSize;
    private Task? _containerReady;

    public AzureBlobStore(BlobContainerClient container, string prefix = "", int blockSize = DefaultBlockSize)
    {
        ArgumentNullException.ThrowIfNull(container);
        ArgumentNullException.ThrowIfNull(prefix);
        ArgumentOutOfRangeException.ThrowIfLessThan(blockSize, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(blockSize, 100 * 1024 * 1024); // 4000 MiB is Azure's limit; keep buffers sane
        var trimmed = prefix.Trim('/');
        if (trimmed.Length > 0) BlobName.Validate(trimmed, nameof(prefix));
        _container = container;
        _prefix = trimmed.Length == 0 ? "" : trimmed + "/";
        _blockSize = blockSize;
        Location = "az://" + container.Name + (trimmed.Length == 0 ? "" : "/" + trimmed);
    }

    /// <summary>"az://container/prefix": never the account key or a SAS.</summary>
    public string Location { get; }

    public override string ToString() => Location;

    /// <summary>
    /// Client options every Azure store should use: a service version Azurite 3.35 accepts, and bounded
    /// exponential retries (about half a minute of backoff in all) for transient faults and outages.
    /// </summary>
    public static BlobClientOptions CreateClientOptions()
    {
        var options = new BlobClientOptions(BlobClientOptions.ServiceVersion.V2025_11_05);
        options.Retry.Mode = RetryMode.Exponential;
        options.Retry.MaxRetries = 6;
        options.Retry.Delay = TimeSpan.FromSeconds(0.5);
        options.Retry.MaxDelay = TimeSpan.FromSeconds(8);
        options.Retry.NetworkTimeout = TimeSpan.FromSeconds(100);
        return options;
    }

    public async Task<bool> ExistsAsync(string name, CancellationToken cancellationToken = default)
    {
        var blob = Blob(name);
        try
        {
            return (await blob.ExistsAsync(cancellationToken).ConfigureAwait(false)).Value;
        }
        catch (RequestFailedException e) when (e.ErrorCode == BlobErrorCode.ContainerNotFound)
        {
            return false;
        }
    }

    public async Task<Stream> OpenReadAsync(string name, CancellationToken cancellationToken = default)
    {
        var blob = Blob(name);
        try
        {
            // Seekable, reads in ranges, and fails if the blob is replaced while being read.
            var stream = await blob.OpenReadAsync(new BlobOpenReadOptions(allowModifications: false) { BufferSize = ReadBufferSize }, cancellationToken)
                .ConfigureAwait(false);
            return new VersionPinnedReadStream(stream, Location, name);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            throw new FileNotFoundException($"blob '{name}' not found in {Location}", name, e);
        }
        catch (RequestFailedException e) when (e.Status == 412)
        {
            throw new BlobReplacedWhileReadingException(Location, name, e);
        }
    }

    public async Task<IBlobWriter> CreateAsync(string name, CancellationToken cancellationToken = default)
    {
        var blob = _container.GetBlockBlobClient(FullName(name));
        await EnsureContainerAsync(cancellationToken).ConfigureAwait(false);
        return new AzureBlockBlobWriter(blob, _blockSize, cancellationToken);
    }

    public async Task<bool> CreateIfAbsentAsync(string name, ReadOnlyMemory<byte> content, CancellationToken cancellationToken = default)
    {
        var blob = Blob(name);
        await EnsureContainerAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var options = new BlobUploadOptions { Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All } };
            await blob.UploadAsync(BinaryData.FromBytes(content), options, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (RequestFailedException e) when (e.Status is 409 or 412)
        {
            return false; // BlobAlreadyExists: another writer has the name
        }
    }

    public async IAsyncEnumerable<BlobEntry> ListAsync(string prefix = "",
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        BlobName.ValidatePrefix(prefix);
        var pages = _container.GetBlobsAsync(new GetBlobsOptions { Prefix = _prefix + prefix }, cancellationToken);
        await using var items = pages.GetAsyncEnumerator(cancellationToken);
        while (true)
        {
            try
            {
                if (!await items.MoveNextAsync().ConfigureAwait(false)) yield break;
            }
            catch (RequestFailedException e) when (e.ErrorCode == BlobErrorCode.ContainerNotFound)
            {
                yield break; // nothing written yet
            }
            var item = items.Current;
            yield return new BlobEntry(item.Name[_prefix.Length..], item.Properties.ContentLength ?? 0);
        }
    }

    public async Task DeleteAsync(string name, CancellationToken cancellationToken = default)
    {
        var blob = Blob(name);
        try
        {
            await blob.DeleteIfExistsAsync(DeleteSnapshotsOption.IncludeSnapshots, cancellationToken: cancellationToken)
                .ConfigureAwait(false);
        }
        catch (RequestFailedException e) when (e.ErrorCode == BlobErrorCode.ContainerNotFound)
        {
            // Nothing to delete.
        }
    }

    /// <summary>
    /// Azure has no call that deletes staged blocks; a block-list commit drops every staged block it does
    /// not name. So when blocks are staged under a name that has no committed blob, commit an empty blob
    /// (only if none appeared meanwhile) and delete it (only if it is still that one). Under a committed
    /// blob, staged blocks are left to the service, which drops them after a week.
    /// </summary>
    public async Task DiscardUnfinishedAsync(string name, CancellationToken cancellationToken = default)
    {
        var blob = _container.GetBlockBlobClient(FullName(name));
        BlockList blocks;
        try
        {
            blocks = (await blob.GetBlockListAsync(BlockListTypes.Uncommitted, cancellationToken: cancellationToken).ConfigureAwait(false)).Value;
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return; // no blob and no staged blocks (or no container)
        }
        if (!blocks.UncommittedBlocks.Any()) return;
        try
        {
            var empty = await blob.CommitBlockListAsync([],
                new CommitBlockListOptions { Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All } }, cancellationToken).ConfigureAwait(false);
            await blob.DeleteIfExistsAsync(DeleteSnapshotsOption.IncludeSnapshots,
                new BlobRequestConditions { IfMatch = empty.Value.ETag }, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException e) when (e.Status is 409 or 412)
        {
            // A committed blob has this name (or just got it): it stays, and so do the staged blocks under it.
        }
    }

    /// <summary>Staged blocks show only in a listing that asks for uncommitted blobs; those without a committed blob are discarded.</summary>
    public async Task DiscardUnfinishedUnderAsync(string prefix, CancellationToken cancellationToken = default)
    {
        BlobName.ValidatePrefix(prefix);
        var committed = new HashSet<string>(StringComparer.Ordinal);
        await foreach (var entry in ListAsync(prefix, cancellationToken)) committed.Add(entry.Name);
        var staged = new List<string>();
        try
        {
            var options = new GetBlobsOptions { Prefix = _prefix + prefix, States = BlobStates.Uncommitted };
            await foreach (var item in _container.GetBlobsAsync(options, cancellationToken).ConfigureAwait(false))
            {
                var name = item.Name[_prefix.Length..];
                if (!committed.Contains(name) && BlobName.IsValid(name)) staged.Add(name);
            }
        }
        catch (RequestFailedException e) when (e.ErrorCode == BlobErrorCode.ContainerNotFound)
        {
            return; // nothing written yet
        }
        foreach (var name in staged) await DiscardUnfinishedAsync(name, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// A read-only SAS URL of blob <paramref name="name"/> that expires after <paramref name="lifetime"/> (range api's links
    /// to a job's outputs), or null when the store's credentials cannot sign one (a connection string without an account key).
    /// </summary>
    public Uri? ReadUrl(string name, TimeSpan lifetime)
    {
        var blob = Blob(name);
        return blob.CanGenerateSasUri ? blob.GenerateSasUri(Azure.Storage.Sas.BlobSasPermissions.Read, DateTimeOffset.UtcNow + lifetime) : null;
    }

    private BlobClient Blob(string name) => _container.GetBlobClient(FullName(name));

    private string FullName(string name)
    {
        BlobName.Validate(name);
        var full = _prefix + name;
        if (full.Length > BlobName.MaxLength)
            throw new ArgumentException($"invalid blob name '{name}': with the prefix of {Location} it is {full.Length} characters long (at most {BlobName.MaxLength})", nameof(name));
        return full;
    }

    // Once per store; a failure is not cached, so the next write tries again. Created without the caller's
    // token (other writers may share the task); each caller stops waiting on its own token.
    private Task EnsureContainerAsync(CancellationToken cancellationToken)
    {
        var ready = _containerReady;
        if (ready is { IsCompletedSuccessfully: true }) return ready;
        if (ready is null || ready.IsFaulted || ready.IsCanceled)
        {
            ready = _container.CreateIfNotExistsAsync(cancellationToken: CancellationToken.None);
            _containerReady = ready;
        }
        return ready.WaitAsync(cancellationToken);
    }
}
