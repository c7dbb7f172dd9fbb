using RangeOrleans.Core.Retrieval;
using RangeOrleans.Core.Tests.Reference;
using static TorchSharp.torch;

namespace RangeOrleans.Core.Tests.Retrieval;

public class RangeRetrieverTests
{
    private sealed record Bank(double[][] Keys, double[][] Values, double[] Lon, double[] Lat);

    private static Bank RandomBank(int n, int keyDim, int valueDim, int seed)
    {
        var rng = new Random(seed);
        double[][] Rows(int d) => Enumerable.Range(0, n).Select(_ => Enumerable.Range(0, d).Select(_ => rng.NextDouble() * 2 - 1).ToArray()).ToArray();
        var keys = Rows(keyDim);
        var values = Rows(valueDim);
        var lon = Enumerable.Range(0, n).Select(_ => rng.NextDouble() * 360 - 180).ToArray();
        var lat = Enumerable.Range(0, n).Select(_ => rng.NextDouble() * 180 - 90).ToArray();
        return new Bank(keys, values, lon, lat);
    }

    private static float[] Flat(double[][] rows) => rows.SelectMany(r => r).Select(x => (float)x).ToArray();

    public static TheoryData<string, bool, double, int?> Variants => new()
    {
        { "soft", false, 0.5, null },
        { "soft", true, 0.5, null },
        { "soft", true, 0.0, null },
        { "soft", true, 1.0, null },
        { "soft", true, 0.3, 60 },
        { "top1", false, 0.5, null },
        { "topk", false, 0.5, null },
        { "topk", true, 0.25, null },
    };

    [Theory]
    [MemberData(nameof(Variants))]
    public void MatchesPlainLoops(string selection, bool spatial, double beta, int? threshold)
    {
        var bank = RandomBank(57, 16, 9, seed: 4);
        using var retriever = new RangeRetriever(Flat(bank.Keys), 16, Flat(bank.Values), 9, bank.Lon, bank.Lat);
        var options = (spatial ? RetrievalOptions.RangePlus(9.0, 33.0, beta) : RetrievalOptions.Range(15.0)) with
        {
            Selection = selection switch { "top1" => RetrievalSelection.Top1, "topk" => RetrievalSelection.TopK, _ => RetrievalSelection.Soft },
            TopK = 7,
            AngularThresholdDegrees = threshold,
        };
        var rng = new Random(8);
        int c = 23;
        var queries = Enumerable.Range(0, c).Select(_ => NaiveReference.Normalise(Enumerable.Range(0, 16).Select(_ => rng.NextDouble() - 0.5).ToArray())).ToArray();
        var qLon = Enumerable.Range(0, c).Select(_ => rng.NextDouble() * 360 - 180).ToArray();
        var qLat = Enumerable.Range(0, c).Select(_ => rng.NextDouble() * 180 - 90).ToArray();
        var unit = new float[3 * c];
        Core.Geometry.UnitVectors.FromLonLat(qLon, qLat, unit);

        using var q = tensor(Flat(queries), new long[] { c, 16 });
        using var u = tensor(unit, new long[] { c, 3 });
        using var h = retriever.Retrieve(q, u, options);
        var viaTensors = h.data<float>().ToArray();
        var viaSpans = new float[c * 9];
        retriever.Retrieve(Flat(queries), unit, viaSpans, options);
        foreach (var got in new[] { viaTensors, viaSpans })
        for (int i = 0; i < c; i++)
        {
            var want = NaiveReference.Retrieve(queries[i], qLon[i], qLat[i], bank.Keys, bank.Values, bank.Lon, bank.Lat,
                options.SemanticTemperature, spatial, options.GeoTemperature, beta, selection, 7, threshold);
            for (int j = 0; j < 9; j++) Assert.Equal(want[j], got[i * 9 + j], 1e-4);
        }
    }

    [Fact]
    public void ChunkRowsBoundsTheWeightMatrices()
    {
        var bank = RandomBank(1000, 4, 3, seed: 1);
        using var retriever = new RangeRetriever(Flat(bank.Keys), 4, Flat(bank.Values), 3, bank.Lon, bank.Lat);
        var topK = RetrievalOptions.RangePlus() with { Selection = RetrievalSelection.TopK };
        int rows = retriever.ChunkRows(topK, budgetBytes: 1 << 20);
        Assert.InRange(rows * 1000L * 4 * 4, 1, 1 << 20);
        Assert.Equal(1, retriever.ChunkRows(topK, budgetBytes: 10));
        // The fused CPU path: a power of two up to 1,024 rows, and a chunk's weights within the budget.
        Assert.Equal(1024, retriever.ChunkRows(RetrievalOptions.RangePlus()));
        Assert.Equal(256, retriever.ChunkRows(RetrievalOptions.RangePlus(), budgetBytes: 1L << 20));
    }

    [Fact]
    public void RefusesBankArraysThatDisagree()
    {
        Assert.Throws<ArgumentException>(() => new RangeRetriever(new float[10], 5, new float[7], 3, new double[2], new double[2]));
    }
}
