using RangeOrleans.Grains.Storage;
using RangeOrleans.Storage;

namespace RangeOrleans.Hosting;

/// <summary>Opens destinations through Range.Storage: az://CONTAINER/PREFIX (AZURE_STORAGE_CONNECTION_STRING) or a local folder.</summary>
internal sealed class BlobStoreFactory : IBlobStoreFactory
{
    public IBlobStore Open(string location) => BlobStores.Open(location);
}
