using RangeOrleans.Storage;

namespace RangeOrleans.Grains.Storage;

/// <summary>Opens the blob store for a destination ("az://CONTAINER/PREFIX" or a local folder); a DI singleton on every silo.</summary>
public interface IBlobStoreFactory
{
    IBlobStore Open(string location);
}
