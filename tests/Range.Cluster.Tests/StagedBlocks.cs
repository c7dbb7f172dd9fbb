using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;
using RangeOrleans.Storage;

namespace RangeOrleans.Cluster.Tests;

/// <summary>Staged but uncommitted Azure blocks: what an upload that never committed leaves under a blob's name.</summary>
internal static class StagedBlocks
{
    public static BlobContainerClient Container(string connectionString, string container) =>
        new(connectionString, container, AzureBlobStore.CreateClientOptions());

    /// <summary>How many uncommitted blocks <paramref name="name"/> has (0 when there is no such blob).</summary>
    public static async Task<int> CountAsync(BlobContainerClient container, string name)
    {
        var blob = container.GetBlockBlobClient(name);
        try { return (await blob.GetBlockListAsync(BlockListTypes.Uncommitted)).Value.UncommittedBlocks.Count(); }
        catch (RequestFailedException e) when (e.Status == 404) { return 0; }
    }

    /// <summary>Stages one block under <paramref name="name"/> and never commits it: an upload whose writer was killed.</summary>
    public static async Task StageAsync(BlobContainerClient container, string name)
    {
        await container.CreateIfNotExistsAsync();
        var blockId = Convert.ToBase64String("abandoned"u8.ToArray());
        await container.GetBlockBlobClient(name).StageBlockAsync(blockId, new MemoryStream(new byte[1024]));
    }
}
