namespace RangeOrleans.Training.Data;

/// <summary>
/// A dataset of image tiles at known places (torchgeo's GeoDataset, reduced to what training needs):
/// entry i has a location and a multi-channel tile, read at the side length an encoder asks for.
/// Implementations are safe to read from one thread at a time.
/// </summary>
public interface IGeoTileDataset
{
    /// <summary>What the data is, for logs and checkpoint metadata (e.g. "earth", "s2:/data/s2-100k").</summary>
    string Name { get; }

    int Count { get; }

    /// <summary>Channels of every tile.</summary>
    int Channels { get; }

    /// <summary>The side length tiles are natively read at; <see cref="ReadTile"/> accepts this or the sizes listed by <see cref="SupportsTileSize"/>.</summary>
    int NativeTileSize { get; }

    double Lon(int index);

    double Lat(int index);

    bool SupportsTileSize(int size);

    /// <summary>Writes tile <paramref name="index"/> as [channel][row][column] floats (roughly unit scale) of side <paramref name="size"/>.</summary>
    void ReadTile(int index, int size, Span<float> output);
}
