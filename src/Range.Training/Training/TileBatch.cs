using RangeOrleans.Core.Encoders;
using RangeOrleans.Training.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace RangeOrleans.Training.Training;

/// <summary>
/// Builds the tensors of one batch from dataset entries: tiles [n, C, P, P] float32 on the model's device, and locations
/// as spherical-harmonic features on the location encoder's.
/// </summary>
public static class TileBatch
{
    public static Tensor Tiles(IGeoTileDataset dataset, ReadOnlySpan<int> entries, int tileSize, Device device)
    {
        int per = dataset.Channels * tileSize * tileSize;
        var buffer = new float[(long)entries.Length * per];
        for (int i = 0; i < entries.Length; i++)
            dataset.ReadTile(entries[i], tileSize, buffer.AsSpan(i * per, per));
        var tiles = tensor(buffer, [entries.Length, dataset.Channels, tileSize, tileSize]);
        if (device.type == DeviceType.CPU) return tiles;
        using (tiles) return tiles.to(device);
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
