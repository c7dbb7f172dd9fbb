using RangeOrleans.Core.Encoders;
using RangeOrleans.Core.Formats;
using RangeOrleans.Core.Formats.Checkpoint;
using RangeOrleans.Core.Formats.Numpy;
using static TorchSharp.torch;

namespace RangeOrleans.Core.Tests.Encoders;

public class SatClipLocationModelTests
{
    internal static (double[] Lon, double[] Lat) FixturePoints()
    {
        var points = NpyReader.Read(TestData.Fixture("satclip_l10/points_lonlat.npy")).ToDoubleArray();
        int n = points.Length / 2;
        return (Enumerable.Range(0, n).Select(i => points[2 * i]).ToArray(), Enumerable.Range(0, n).Select(i => points[2 * i + 1]).ToArray());
    }

    [Theory]
    [InlineData(HarmonicsEvaluation.Compat)]
    [InlineData(HarmonicsEvaluation.Exact)]
    public void FixtureCheckpointReproducesReferenceEmbeddings(HarmonicsEvaluation harmonics)
    {
        var path = TestData.Fixture("satclip_l10/satclip.ckpt");
        var checkpoint = TorchCheckpointReader.Read(path);
        using var encoder = SatClipLocationModel.Load(checkpoint.StateDict, checkpoint.HyperParameters, path, harmonics);
        Assert.Equal(new LocationEncoderConfig(10, 256, 2, 256, harmonics), encoder.Config);

        var (lon, lat) = FixturePoints();
        using var q = encoder.Encode(lon, lat);
        var got = q.data<double>().ToArray();
        var want = NpyReader.Read(TestData.Fixture("satclip_l10/expected_satclip.npy")).ToDoubleArray();
        Assert.Equal(want.Length, got.Length);
        double worst = want.Zip(got, (a, b) => Math.Abs(a - b)).Max();
        Assert.True(worst < 1e-9, $"max abs difference {worst:E3}");
    }

    private static Dictionary<string, HostTensor> StateDict(LocationEncoder encoder) =>
        encoder.named_parameters().ToDictionary(
            p => LocationEncoder.StateDictPrefix + p.name,
            p => new HostTensor(TensorDType.Float64, p.parameter.shape, p.parameter.data<double>().ToArray()));

    private static Dictionary<string, object?> HyperParameters(LocationEncoderConfig c) => new()
    {
        ["embed_dim"] = (long)c.EmbedDim,
        ["le_type"] = "sphericalharmonics",
        ["pe_type"] = "siren",
        ["legendre_polys"] = (long)c.LegendrePolys,
        ["harmonics_calculation"] = "analytic",
        ["num_hidden_layers"] = (long)c.NumHiddenLayers,
        ["capacity"] = (long)c.Capacity,
    };

    [Theory]
    [InlineData(40, 96, 3, 64)]
    [InlineData(15, 40, 1, 256)]
    public void CheckpointOfAnyArchitectureLoadsBackExactly(int legendre, int capacity, int layers, int embed)
    {
        random.manual_seed(17);
        var config = new LocationEncoderConfig(legendre, capacity, layers, embed);
        using var original = new LocationEncoder(config);
        original.eval();
        var dir = Directory.CreateTempSubdirectory("ckpt-");
        try
        {
            var path = Path.Combine(dir.FullName, "model.ckpt");
            TorchCheckpointWriter.Write(path, StateDict(original), HyperParameters(config));
            var checkpoint = TorchCheckpointReader.Read(path);
            using var loaded = SatClipLocationModel.Load(checkpoint.StateDict, checkpoint.HyperParameters, path);
            Assert.Equal(config, loaded.Config);
            double[] lon = [-179.9, 0, 33.3, 120], lat = [-89, 0, 12.5, 66];
            using var a = original.Encode(lon, lat);
            using var b = loaded.Encode(lon, lat);
            // Weights bit-exact; outputs to BLAS rounding (its blocking may differ between calls).
            Assert.Equal(StateDict(original).Select(p => (double[])p.Value.Data), StateDict(loaded).Select(p => (double[])p.Value.Data));
            var want = a.data<double>().ToArray();
            var got = b.data<double>().ToArray();
            for (int i = 0; i < want.Length; i++) Assert.Equal(want[i], got[i], 1e-12);
        }
        finally { dir.Delete(true); }
    }

    [Fact]
    public void RefusesHyperParametersThatDisagreeWithTheTensors()
    {
        random.manual_seed(1);
        var config = new LocationEncoderConfig(8, 16, 2, 8);
        using var encoder = new LocationEncoder(config);
        var hyper = HyperParameters(config with { LegendrePolys = 9 });
        var ex = Assert.Throws<RangeFormatException>(() => SatClipLocationModel.ReadConfig(StateDict(encoder), hyper, "bad.ckpt"));
        Assert.Contains("legendre_polys = 9", ex.Message);
        Assert.StartsWith("bad.ckpt:", ex.Message);
    }

    [Fact]
    public void RefusesCheckpointWithoutALocationEncoder()
    {
        var ex = Assert.Throws<RangeFormatException>(() => SatClipLocationModel.ReadConfig(
            new Dictionary<string, HostTensor>(), new Dictionary<string, object?>(), "empty.ckpt"));
        Assert.Contains("model.location.nnet.layers.0.weight", ex.Message);
    }
}
