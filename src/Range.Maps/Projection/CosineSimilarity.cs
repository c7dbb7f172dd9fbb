using System.Numerics.Tensors;
using RangeOrleans.Core.Formats.Arrow;
using RangeOrleans.Core.Geometry;

namespace RangeOrleans.Maps.Projection;

/// <summary>How alike a map's places are to one place: the cosine similarity of every row's embedding to one row's.</summary>
public static class CosineSimilarity
{
    /// <summary>The row whose point is nearest (great-circle) to (<paramref name="lon"/>, <paramref name="lat"/>).</summary>
    public static int NearestRow(EmbeddingColumns data, double lon, double lat)
    {
        int nearest = 0;
        double best = double.PositiveInfinity;
        for (int i = 0; i < data.Count; i++)
        {
            double d = GreatCircle.DistanceKm(lon, lat, data.Lon[i], data.Lat[i]);
            if (d < best) { best = d; nearest = i; }
        }
        return nearest;
    }

    /// <summary>The cosine similarity of every row's embedding to row <paramref name="query"/>'s (1 for itself).</summary>
    public static float[] ToRow(EmbeddingColumns data, int query)
    {
        int dim = data.Dimension;
        var q = data.Embeddings.AsSpan(query * dim, dim);
        double queryNorm = Math.Sqrt(TensorPrimitives.Dot(q, q));
        var similarity = new float[data.Count];
        for (int i = 0; i < data.Count; i++)
        {
            var row = data.Embeddings.AsSpan(i * dim, dim);
            double norm = Math.Sqrt(TensorPrimitives.Dot(row, row));
            similarity[i] = (float)(TensorPrimitives.Dot(row, q) / Math.Max(1e-30, norm * queryNorm));
        }
        return similarity;
    }
}
