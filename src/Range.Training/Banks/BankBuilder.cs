using RangeOrleans.Core.Banks;
using RangeOrleans.Training.Data;
using RangeOrleans.Training.Encoders;

namespace RangeOrleans.Training.Banks;

/// <summary>
/// Builds a RANGE feature bank from a dataset: for each entry, its location, the key encoder's
/// embedding of its tile (SatCLIP's image tower: the "low-resolution" keys) and the value encoder's
/// embedding (the frozen MAE: the "high-resolution" values). Works shard by shard so a coordinator can
/// hand shards to different workers; <see cref="Merge"/> joins finished shards in order.
/// </summary>
public static class BankBuilder
{
    public const int DefaultBatchSize = 256;

    public static FeatureBank BuildShard(
        IGeoTileDataset data,
        BankShard shard,
        IImageEncoder keys,
        IImageEncoder values,
        int batchSize = DefaultBatchSize,
        IProgress<long>? progress = null,
        CancellationToken cancellationToken = default)
    {
        foreach (var encoder in new[] { keys, values })
        {
            if (encoder.Channels != data.Channels)
                throw new ArgumentException($"encoder '{encoder.Name}' takes {encoder.Channels}-channel tiles, dataset '{data.Name}' has {data.Channels}");
            if (!data.SupportsTileSize(encoder.TileSize))
                throw new ArgumentException($"encoder '{encoder.Name}' needs {encoder.TileSize} px tiles, which dataset '{data.Name}' cannot give");
        }
        if (shard.Start < 0 || shard.Count < 1 || shard.Start + shard.Count > data.Count)
            throw new ArgumentException($"shard {shard.Index} ({shard.Start}..{shard.Start + shard.Count}) is outside the dataset's {data.Count} entries");

        var lon = new double[shard.Count];
        var lat = new double[shard.Count];
        var keyOut = new float[(long)shard.Count * keys.Dimension];
        var valueOut = new float[(long)shard.Count * values.Dimension];
        for (int offset = 0; offset < shard.Count; offset += batchSize)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int n = Math.Min(batchSize, shard.Count - offset);
            for (int i = 0; i < n; i++)
            {
                lon[offset + i] = data.Lon(shard.Start + offset + i);
                lat[offset + i] = data.Lat(shard.Start + offset + i);
            }
            Encode(data, shard.Start + offset, n, keys, keyOut.AsSpan(offset * keys.Dimension, n * keys.Dimension));
            Encode(data, shard.Start + offset, n, values, valueOut.AsSpan(offset * values.Dimension, n * values.Dimension));
            progress?.Report(offset + n);
        }
        return new FeatureBank(lon, lat, keyOut, keys.Dimension, valueOut, values.Dimension,
            source: $"{data.Name} entries {shard.Start}..{shard.Start + shard.Count - 1}, keys {keys.Name}, values {values.Name}");
    }

    /// <summary>One bank holding the shards' entries in the given order; the shards must agree on dimensions.</summary>
    public static FeatureBank Merge(IReadOnlyList<FeatureBank> shards, string source)
    {
        if (shards.Count == 0) throw new ArgumentException("no shards to merge");
        int keyDim = shards[0].KeyDim, valueDim = shards[0].ValueDim;
        foreach (var s in shards)
        {
            if (s.KeyDim != keyDim || s.ValueDim != valueDim)
                throw new ArgumentException($"shards disagree on dimensions: keys {keyDim} vs {s.KeyDim}, values {valueDim} vs {s.ValueDim}");
        }
        return new FeatureBank(
            [.. shards.SelectMany(s => s.Lon)],
            [.. shards.SelectMany(s => s.Lat)],
            [.. shards.SelectMany(s => s.Keys)], keyDim,
            [.. shards.SelectMany(s => s.Values)], valueDim,
            source);
    }

    private static void Encode(IGeoTileDataset data, int start, int n, IImageEncoder encoder, Span<float> output)
    {
        int per = data.Channels * encoder.TileSize * encoder.TileSize;
        var tiles = new float[n * per];
        for (int i = 0; i < n; i++)
            data.ReadTile(start + i, encoder.TileSize, tiles.AsSpan(i * per, per));
        encoder.Encode(tiles, n, output);
    }
}
