using Azure.Storage.Blobs;

namespace RangeOrleans.Storage.Tests.Fixtures;

/// <summary>The Azurite fixture: loopback, the development account, clean up on dispose.</summary>
public sealed class AzuriteProcessTests
{
    [Fact]
    public async Task It_serves_the_development_account_on_loopback_and_cleans_up()
    {
        var azurite = new AzuriteProcess();
        var folder = azurite.DataFolder;
        Assert.Contains($"BlobEndpoint=http://127.0.0.1:{azurite.Port}/devstoreaccount1", azurite.ConnectionString);

        var service = new BlobServiceClient(azurite.ConnectionString, AzureBlobStore.CreateClientOptions());
        await service.GetBlobContainerClient("probe").CreateIfNotExistsAsync();

        azurite.Dispose();
        Assert.False(azurite.IsRunning);
        Assert.False(Directory.Exists(folder));
    }
}
