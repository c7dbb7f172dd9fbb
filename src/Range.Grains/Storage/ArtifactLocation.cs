using RangeOrleans.Core.Formats;
using RangeOrleans.Core.Jobs;
using RangeOrleans.Storage;

namespace RangeOrleans.Grains.Storage;

/// <summary>
/// A file named by a job: a local path every silo can read, or az://CONTAINER/PATH/NAME (read through the
/// blob store of its parent). Resolves it to a local file and its SHA-256.
/// </summary>
public static class ArtifactLocation
{
    public static bool IsBlobUri(string location) => BlobStores.IsAzure(location);

    /// <summary>Splits az://container/dir/name into the store location az://container/dir and the blob name.</summary>
    public static (string Store, string Name) SplitBlobUri(string uri)
    {
        const int schemeLength = 5; // "az://"
        int slash = uri.LastIndexOf('/');
        if (!IsBlobUri(uri) || slash <= schemeLength || slash == uri.Length - 1)
            throw new ArgumentException($"'{uri}': expected az://CONTAINER/NAME");
        return (uri[..slash], uri[(slash + 1)..]);
    }

    public static async Task<string> Sha256Async(string location, IBlobStoreFactory stores, CancellationToken cancellationToken)
    {
        if (!IsBlobUri(location))
        {
            if (!File.Exists(location)) throw new FileNotFoundException($"'{location}' does not exist (on silo {Environment.MachineName})", location);
            await using var file = File.OpenRead(location);
            return await ContentHash.OfStreamAsync(file, cancellationToken);
        }
        var (store, name) = SplitBlobUri(location);
        await using var stream = await stores.Open(store).OpenReadAsync(name, cancellationToken);
        return await ContentHash.OfStreamAsync(stream, cancellationToken);
    }

    // Names the file, never its hash: an error line must not fingerprint a file for whoever reads it.
    private static string NotTheSubmittedFile(string location) =>
        $"'{location}' on silo {Environment.MachineName} is not the file the job was submitted with (its content changed since submission)";

    /// <summary>
    /// A local file with the content <paramref name="sha256"/>: the path itself when local (checked), or a
    /// download into <paramref name="cacheFolder"/> named by the hash (kept for later replicas).
    /// </summary>
    public static async Task<string> LocalFileAsync(string location, string sha256, string cacheFolder, IBlobStoreFactory stores, CancellationToken cancellationToken)
    {
        if (!IsBlobUri(location))
        {
            var actual = await Sha256Async(location, stores, cancellationToken);
            if (actual != sha256)
                throw new InvalidDataException(NotTheSubmittedFile(location));
            return location;
        }
        UserCacheFolder.CreateOwnerOnly(cacheFolder);
        var (store, name) = SplitBlobUri(location);
        var target = Path.Combine(cacheFolder, sha256 + Path.GetExtension(name));
        // A cached file is used only if it still is what its name says (a name is no proof: anything may have written it).
        if (File.Exists(target) && ContentHash.OfFile(target) == sha256) return target;
        using var pending = new PendingFile(target);
        string downloaded;
        await using (var source = await stores.Open(store).OpenReadAsync(name, cancellationToken))
        using (var hashing = new HashingWriteStream(pending.Stream))
        {
            await source.CopyToAsync(hashing, cancellationToken);
            downloaded = hashing.Sha256();
        }
        if (downloaded != sha256) throw new InvalidDataException(NotTheSubmittedFile(location));
        pending.Commit();
        return target;
    }
}
