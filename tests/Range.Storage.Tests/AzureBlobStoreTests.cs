using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;

namespace RangeOrleans.Storage.Tests;

/// <summary>The contract on Azurite: a fresh container per test, blobs under a prefix, small blocks.</summary>
public sealed class AzureBlobStoreTests : BlobStoreContract, IClassFixture<AzuriteProcess>
{
    private const int BlockSize = 256 * 1024;
    private readonly AzuriteProcess _azurite;
    private readonly string _containerName = "t" + Guid.NewGuid().ToString("N");
    private readonly BlobServiceClient _service;
    private readonly AzureBlobStore _store;

    public AzureBlobStoreTests(AzuriteProcess azurite)
    {
        _azurite = azurite;
        _service = new BlobServiceClient(azurite.ConnectionString, AzureBlobStore.CreateClientOptions());
        _store = new AzureBlobStore(_service.GetBlobContainerClient(_containerName), "jobs/j1", BlockSize);
    }

    protected override IBlobStore Store => _store;
    protected override int MultiBlockSize => 3 * BlockSize + 4321;

    protected override async Task<int> UnfinishedCountAsync(string name)
    {
        var blob = _service.GetBlobContainerClient(_containerName).GetBlockBlobClient("jobs/j1/" + name);
        try { return (await blob.GetBlockListAsync(BlockListTypes.Uncommitted)).Value.UncommittedBlocks.Count(); }
        catch (Azure.RequestFailedException e) when (e.Status == 404) { return 0; }
    }

    [Fact]
    public async Task Blobs_live_under_the_prefix_and_nothing_else_is_listed()
    {
        var container = new BlobServiceClient(_azurite.ConnectionString, AzureBlobStore.CreateClientOptions())
            .GetBlobContainerClient(_containerName);
        await _store.WriteAllTextAsync("a", "1");
        await container.GetBlobClient("jobs/j10/other").UploadAsync(BinaryData.FromString("2"));
        await container.GetBlobClient("outside").UploadAsync(BinaryData.FromString("3"));

        Assert.Equal(["a"], (await List()).Select(e => e.Name));
        Assert.True((await container.GetBlobClient("jobs/j1/a").ExistsAsync()).Value);
        Assert.Equal("az://" + _containerName + "/jobs/j1", _store.Location);
    }

    [Fact]
    public async Task A_read_of_a_blob_replaced_after_it_was_opened_stops_naming_the_blob_instead_of_mixing_versions()
    {
        await _store.WriteAllTextAsync("status.json", "old");
        await using var stream = await _store.OpenReadAsync("status.json");
        await _store.WriteAllTextAsync("status.json", "new");

        var e = await Assert.ThrowsAsync<BlobReplacedWhileReadingException>(() => new StreamReader(stream).ReadToEndAsync());
        Assert.Equal("status.json", e.BlobName);
        Assert.Contains($"'status.json' in {_store.Location} was replaced", e.Message);
        Assert.Equal("new", await _store.ReadAllTextAsync("status.json"));
    }

    [Fact]
    public async Task Reading_and_listing_before_the_container_exists_behave_as_empty()
    {
        Assert.Empty(await List());
        Assert.False(await _store.ExistsAsync("x"));
        await _store.DeleteAsync("x");
        await Assert.ThrowsAsync<FileNotFoundException>(() => _store.OpenReadAsync("x"));
    }

    [Fact]
    public async Task Opened_through_BlobStores_with_the_connection_string()
    {
        var store = BlobStores.Open($"az://{_containerName}/p/q/", _azurite.ConnectionString);
        await store.WriteAllTextAsync("n", "v");

        Assert.IsType<AzureBlobStore>(store);
        Assert.Equal($"az://{_containerName}/p/q", store.Location);
        Assert.Equal("v", await store.ReadAllTextAsync("n"));
    }
}
