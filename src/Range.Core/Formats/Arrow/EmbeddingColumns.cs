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
}
