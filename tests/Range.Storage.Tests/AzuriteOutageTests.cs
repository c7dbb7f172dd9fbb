using Azure.Storage.Blobs;

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
}
