using RangeOrleans.Core.Encoders;
using RangeOrleans.Training.Data;
using static TorchSharp.torch;

namespace RangeOrleans.Training.Training;

/// <summary>Builds the tensors of one batch from dataset entries: tiles [n, C, P, P] float32, and locations as spherical-harmonic features.</summary>
public static class TileBatch
{
    public static Tensor Tiles(IGeoTileDataset dataset, ReadOnlySpan<int> entries, int tileSize)
    {
        int per = dataset.Channels * tileSize * tileSize;
        var buffer = new float[(long)entries.Length * per];
        for (int i = 0; i < entries.Length; i++)
            dataset.ReadTile(entries[i], tileSize, buffer.AsSpan(i * per, per));
        return tensor(buffer, [entries.Length, dataset.Channels, tileSize, tileSize]);
    }

    public static Tensor Harmonics(IGeoTileDataset dataset, ReadOnlySpan<int> entries, LocationEncoder encoder)
    {
        var lon = new double[entries.Length];
        var lat = new double[entries.Length];
        for (int i = 0; i < entries.Length; i++)
        {
            lon[i] = dataset.Lon(entries[i]);
            lat[i] = dataset.Lat(entries[i]);
        }
        return encoder.Features(lon, lat);
    }
}
