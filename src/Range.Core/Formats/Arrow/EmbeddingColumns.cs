namespace RangeOrleans.Core.Formats.Arrow;

/// <summary>
/// The whole content of an embedding output file: rows of (lon, lat, embedding), embeddings
/// row-major (rows x <see cref="Dimension"/>) and widened to float32 whatever the stored precision.
/// </summary>
public sealed record EmbeddingColumns(double[] Lon, double[] Lat, float[] Embeddings, int Dimension)
{
    public int Count => Lon.Length;
    public EmbeddingPrecision Precision { get; init; }
    public IReadOnlyDictionary<string, string> Metadata { get; init; } = new Dictionary<string, string>();

    /// <summary>The parts' rows in order, as one (the first part's precision and metadata); the parts share one dimension.</summary>
    public static EmbeddingColumns Concat(IReadOnlyList<EmbeddingColumns> parts)
    {
        if (parts.Count == 1) return parts[0];
        return new EmbeddingColumns(
            parts.SelectMany(p => p.Lon).ToArray(), parts.SelectMany(p => p.Lat).ToArray(),
            parts.SelectMany(p => p.Embeddings).ToArray(), parts[0].Dimension) { Precision = parts[0].Precision, Metadata = parts[0].Metadata };
    }
}
