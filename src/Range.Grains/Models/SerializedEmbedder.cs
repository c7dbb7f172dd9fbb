using RangeOrleans.Core.Embedding;

namespace RangeOrleans.Grains.Models;

/// <summary>
/// Shares one embedder between concurrent shards of a silo: batches run one at a time (the model
/// already uses every core), while other shards read points or write Arrow output in between.
/// </summary>
internal sealed class SerializedEmbedder(ILocationEmbedder inner) : ILocationEmbedder
{
    private readonly Lock _gate = new();

    public string Model => inner.Model;
    public int Dimension => inner.Dimension;

    public void Embed(ReadOnlySpan<double> lon, ReadOnlySpan<double> lat, Span<float> output)
    {
        lock (_gate) inner.Embed(lon, lat, output);
    }

    public void Dispose() => inner.Dispose();
}
