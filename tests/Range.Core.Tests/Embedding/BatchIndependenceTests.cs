using RangeOrleans.Core.Embedding;

namespace RangeOrleans.Core.Tests.Embedding;

public class BatchIndependenceTests
{
    [Theory]
    [InlineData("satclip")]
    [InlineData("range")]
    [InlineData("range+")]
    public void APointsEmbeddingIsBitIdenticalWhateverElseIsInItsCall(string model)
    {
        var kind = EmbeddingModelNames.Parse(model);
        using var embedder = EmbedderLoader.Load(new EmbedderSpec(TestData.Sample("satclip_l10_fixture.ckpt"), kind)
        {
            BankPath = kind.NeedsBank() ? TestData.Sample("range_db_fixture.npz") : null,
        });
        var rng = new Random(5);
        const int n = 1500;
        var lon = Enumerable.Range(0, n).Select(_ => rng.NextDouble() * 360 - 180).ToArray();
        var lat = Enumerable.Range(0, n).Select(_ => rng.NextDouble() * 180 - 90).ToArray();
        int dim = embedder.Dimension;
        var whole = new float[n * dim];
        embedder.Embed(lon, lat, whole);

        // (first point, points per call, calls): single points, small odd calls, a call straddling a chunk boundary.
        foreach (var (first, size, calls) in new[] { (0, 1, 5), (11, 7, 3), (300, 1000, 1) })
        {
            for (int c = 0; c < calls; c++)
            {
                int start = first + c * size;
                var part = new float[size * dim];
                embedder.Embed(lon.AsSpan(start, size), lat.AsSpan(start, size), part);
                var expected = whole.AsSpan(start * dim, size * dim).ToArray();
                Assert.True(expected.SequenceEqual(part), $"{model}: points {start}..{start + size - 1} embedded {size} at a time differ from the same points in one call of {n}");
            }
        }
    }
}
