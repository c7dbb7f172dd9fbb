using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Specialized;

namespace RangeOrleans.Storage.Tests;

/// <summary>Azurite goes away for a few seconds: the SDK's retry policy carries a write across the gap.</summary>
public sealed class AzuriteOutageTests : IClassFixture<AzuriteProcess>
{
    private readonly AzuriteProcess _azurite; // this class's own: stopping it disturbs no other test

    public AzuriteOutageTests(AzuriteProcess azurite)
    {
        _azurite = azurite;
    }

    [Fact]
    public async Task A_write_during_an_outage_succeeds_once_the_service_is_back()
    {
        var service = new BlobServiceClient(_azurite.ConnectionString, AzureBlobStore.CreateClientOptions());
        var store = new AzureBlobStore(service.GetBlobContainerClient("outage"), "run");
        await store.WriteAllTextAsync("before", "written before the outage");

        _azurite.Stop();
        var write = store.WriteAllTextAsync("during", "written across the outage");
        await Task.Delay(TimeSpan.FromSeconds(2));
        Assert.False(write.IsCompleted, $"the write ended during the outage instead of retrying: {write.Exception?.GetBaseException().Message}");
        _azurite.Start();

        // Bounded so a broken retry policy fails the test instead of hanging it.
        await write.WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal("written across the outage", await store.ReadAllTextAsync("during"));
        Assert.Equal("written before the outage", await store.ReadAllTextAsync("before"));
    }

    /// <summary>
    /// A shard's upload is a synchronous stream write (the Arrow writer's), which takes no token: the writer's own stops
    /// it, so a cancelled shard does not go on retrying a block through an outage and stage it once the service is
    /// back, after its job's cleanup has run.
    /// </summary>
    [Fact]
    public async Task A_synchronous_block_write_cancelled_during_an_outage_stops_and_stages_nothing_once_the_service_is_back()
    {
        var service = new BlobServiceClient(_azurite.ConnectionString, AzureBlobStore.CreateClientOptions());
        var container = service.GetBlobContainerClient("outage-cancel");
        var store = new AzureBlobStore(container, "run", blockSize: 1024);
        using var cancellation = new CancellationTokenSource();
        await using var writer = await store.CreateAsync("shard.bin", cancellation.Token);

        _azurite.Stop();
        var write = Task.Run(() => writer.Stream.Write(new byte[1024])); // a full block: staged at once
        await Task.Delay(TimeSpan.FromSeconds(2));
        Assert.False(write.IsCompleted, $"the write ended during the outage instead of retrying: {write.Exception?.GetBaseException().Message}");
        cancellation.Cancel();
        var stopped = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => write.WaitAsync(TimeSpan.FromSeconds(10)));
        _azurite.Start();

        await Task.Delay(TimeSpan.FromSeconds(3)); // a retry still due would have staged by now
        var blob = container.GetBlockBlobClient("run/shard.bin");
        int staged;
        try { staged = (await blob.GetBlockListAsync(Azure.Storage.Blobs.Models.BlockListTypes.Uncommitted)).Value.UncommittedBlocks.Count(); }
        catch (Azure.RequestFailedException e) when (e.Status == 404) { staged = 0; }
        Assert.True(staged == 0, $"{staged} block(s) staged after the cancel ({stopped.Message})");
    }
}
