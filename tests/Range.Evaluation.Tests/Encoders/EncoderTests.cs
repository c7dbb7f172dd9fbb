using RangeOrleans.Core.Banks;
using RangeOrleans.Evaluation.Encoders;

namespace RangeOrleans.Evaluation.Tests.Encoders;

public class EncoderTests
{
    private static float[] Embed(string name, double lon, double lat)
    {
        using var embedder = new EncoderFactory(null, null).Create(new EncoderRequest(name));
        var row = new float[embedder.Dimension];
        embedder.Embed([lon], [lat], row);
        return row;
    }

    [Fact]
    public void CoordinateBaselines()
    {
        Assert.Equal(new[] { 30f, -10f }, Embed("direct", 30, -10));
        var xyz = Embed("cartesian3d", 90, 0);
        Assert.Equal(0, xyz[0], 6);
        Assert.Equal(1, xyz[1], 6);
        Assert.Equal(0, xyz[2], 6);
        var wrap = Embed("wrap", 90, 30);
        Assert.Equal(1, wrap[0], 6);
        Assert.Equal(0, wrap[1], 6);
        Assert.Equal(0.5, wrap[2], 6);
        Assert.Equal(Math.Sqrt(0.75), wrap[3], 6);
    }

    [Fact]
    public void HarmonicsWithoutCheckpointUseTenDegrees() => Assert.Equal(100, Embed("sh", 0, 0).Length);

    [Fact]
    public void RangeEncodersFromTheFixture()
    {
        var factory = new EncoderFactory(TestData.Fixture("satclip_l10/satclip.ckpt"), TestData.Fixture("satclip_l10/range_db.npz"));
        foreach (var request in new[] { new EncoderRequest("satclip"), new EncoderRequest("range+") { Beta = 0 }, new EncoderRequest("range-top1"), new EncoderRequest("range") { BankFraction = 0.1 } })
        {
            using var embedder = factory.Create(request, seed: 1);
            var rows = new float[2 * embedder.Dimension];
            embedder.Embed([10, -60], [45, -10], rows);
            Assert.All(rows, v => Assert.True(float.IsFinite(v)));
        }
    }

    [Fact]
    public void RangeWithoutCheckpointIsRefused()
    {
        var ex = Assert.Throws<ArgumentException>(() => new EncoderFactory(null, null).Create(new EncoderRequest("range")));
        Assert.Contains("--checkpoint", ex.Message);
    }

    [Theory]
    [InlineData("range", 0.5, 1.0)]
    [InlineData("wrap", null, 0.5)]
    [InlineData("nope", null, 1.0)]
    [InlineData("range+", 1.5, 1.0)]
    public void BadRequestsAreRefused(string name, double? beta, double fraction) =>
        Assert.Throws<ArgumentException>(() => new EncoderRequest(name) { Beta = beta, BankFraction = fraction }.Validate());

    [Fact]
    public void StratifiedSampleKeepsTheShareInEveryCell()
    {
        // 400 entries in one cell, 100 in another: a 10% sample keeps 40 and 10.
        var lon = Enumerable.Range(0, 500).Select(i => i < 400 ? 1.0 + i * 0.001 : 101.0).ToArray();
        var lat = new double[500];
        var kept = StratifiedBankSample.Indices(lon, lat, 0.1, seed: 2);
        Assert.Equal(50, kept.Length);
        Assert.Equal(40, kept.Count(i => i < 400));
        Assert.Equal(kept.OrderBy(i => i), kept);
        Assert.Equal(kept, StratifiedBankSample.Indices(lon, lat, 0.1, seed: 2));
    }

    [Fact]
    public void StratifiedSampleOfABankIsASmallerBank()
    {
        var bank = FeatureBank.Load(TestData.Fixture("satclip_l10/range_db.npz"));
        var sample = StratifiedBankSample.Take(bank, 0.25, seed: 0);
        Assert.Equal((int)Math.Round(0.25 * bank.Count), sample.Count);
    }
}
