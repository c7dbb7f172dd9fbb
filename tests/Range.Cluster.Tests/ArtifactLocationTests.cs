using RangeOrleans.Core.Jobs;
using RangeOrleans.Grains.Storage;
using RangeOrleans.Storage;
using RangeOrleans.Testing;

namespace RangeOrleans.Cluster.Tests;

/// <summary>
/// A model read from blob storage is cached under its SHA-256 and checked against it whenever it is used: a file planted
/// under that name (another user, a crash, a disk error) is replaced by the real one, not loaded.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")] // file modes are Unix's
public sealed class ArtifactLocationTests : IDisposable
{
    private readonly AzuriteProcess _azurite = new();
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("range-artifacts-");

    [Fact]
    public async Task A_cached_file_that_is_not_what_its_name_says_is_fetched_again()
    {
        var store = BlobStores.Open("az://models/m", _azurite.ConnectionString);
        var model = File.ReadAllBytes(TestData.Fixture("satclip_l10/satclip.ckpt"));
        await store.WriteAllBytesAsync("satclip.ckpt", model);
        string sha = ContentHash.OfFile(TestData.Fixture("satclip_l10/satclip.ckpt"));
        string cache = Path.Combine(_folder.FullName, "cache");
        Directory.CreateDirectory(cache);
        File.WriteAllText(Path.Combine(cache, sha + ".ckpt"), "planted: not a checkpoint");

        string local = await ArtifactLocation.LocalFileAsync("az://models/m/satclip.ckpt", sha, cache, new Stores(_azurite.ConnectionString), CancellationToken.None);

        Assert.Equal(Path.Combine(cache, sha + ".ckpt"), local);
        Assert.Equal(sha, ContentHash.OfFile(local));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(cache));
    }

    private sealed class Stores(string connection) : IBlobStoreFactory
    {
        public IBlobStore Open(string location) => BlobStores.Open(location, connection);
    }

    public void Dispose()
    {
        _azurite.Dispose();
        _folder.Delete(recursive: true);
    }
}
