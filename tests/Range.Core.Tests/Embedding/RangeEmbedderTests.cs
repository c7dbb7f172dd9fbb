using RangeOrleans.Core.Embedding;
using RangeOrleans.Core.Encoders;
using RangeOrleans.Core.Retrieval;
using RangeOrleans.Core.Tests.Encoders;
using RangeOrleans.Core.Tests.Reference;
using static TorchSharp.torch;

namespace RangeOrleans.Core.Tests.Embedding;

public class RangeEmbedderTests
{
    [Theory]
    [InlineData(false, 0.5, 7)]
    [InlineData(true, 0.7, 5)]
    [InlineData(true, 0.0, 1000)]
    public void MatchesPlainLoopsForOwnSizesInAnyChunking(bool spatial, double beta, int chunkRows)
    {
        random.manual_seed(21);
        const int legendre = 20, keyDim = 24, valueDim = 40, n = 300;
        var encoder = new LocationEncoder(new LocationEncoderConfig(legendre, 32, 2, keyDim));
        encoder.eval();
        var weights = LocationEncoderTests.Weights(encoder);
        var rng = new Random(2);
        var keys = Enumerable.Range(0, n * keyDim).Select(_ => (float)(rng.NextDouble() - 0.5)).ToArray();
        var values = Enumerable.Range(0, n * valueDim).Select(_ => (float)rng.NextDouble()).ToArray();
        var bLon = Enumerable.Range(0, n).Select(_ => rng.NextDouble() * 360 - 180).ToArray();
        var bLat = Enumerable.Range(0, n).Select(_ => rng.NextDouble() * 180 - 90).ToArray();
        var options = spatial ? RetrievalOptions.RangePlus(beta: beta) : RetrievalOptions.Range();
        using var embedder = new RangeEmbedder(encoder, new RangeRetriever(keys, keyDim, values, valueDim, bLon, bLat), options, chunkRows);
        Assert.Equal(valueDim + keyDim, embedder.Dimension);

        double[] lon = [0, 180, -180, 45.5, -120, 10, 179.9, -3], lat = [0, 0, 0, 89.9, -60, -90, 90, 12];
        var got = new float[lon.Length * embedder.Dimension];
        embedder.Embed(lon, lat, got);

        var keyRows = Enumerable.Range(0, n).Select(i => keys.Skip(i * keyDim).Take(keyDim).Select(x => (double)x).ToArray()).ToArray();
        var valueRows = Enumerable.Range(0, n).Select(i => values.Skip(i * valueDim).Take(valueDim).Select(x => (double)x).ToArray()).ToArray();
        var sh = new double[legendre * legendre];
        for (int i = 0; i < lon.Length; i++)
        {
            encoder.Harmonics.Compute([lon[i]], [lat[i]], sh);
            var q = NaiveReference.Normalise(NaiveReference.Siren(sh, weights));
            var h = NaiveReference.Retrieve(q, lon[i], lat[i], keyRows, valueRows, bLon, bLat,
                options.SemanticTemperature, spatial, options.GeoTemperature, options.Beta);
            var want = h.Concat(q).ToArray();
            for (int j = 0; j < want.Length; j++)
                Assert.Equal(want[j], got[i * embedder.Dimension + j], 1e-4);
        }
    }

    [Fact]
    public void RefusesBankWhoseKeysDoNotMatchTheEncoder()
    {
        var encoder = new LocationEncoder(new LocationEncoderConfig(3, 8, 1, 6));
        using var retriever = new RangeRetriever(new float[10], 5, new float[6], 3, new double[2], new double[2]);
        var ex = Assert.Throws<ArgumentException>(() => new RangeEmbedder(encoder, retriever, RetrievalOptions.Range()));
        Assert.Contains("dimension 5", ex.Message);
        encoder.Dispose();
    }
}
