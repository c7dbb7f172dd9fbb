namespace RangeOrleans.Core.Embedding;

internal static class EmbedderGuard
{
    public static void CheckLengths(ReadOnlySpan<double> lon, ReadOnlySpan<double> lat, Span<float> output, int dimension)
    {
        if (lat.Length != lon.Length)
            throw new ArgumentException($"{lon.Length} longitudes but {lat.Length} latitudes");
        if (output.Length != (long)lon.Length * dimension)
            throw new ArgumentException($"output holds {output.Length} floats, {lon.Length} x {dimension} needed");
    }
}
