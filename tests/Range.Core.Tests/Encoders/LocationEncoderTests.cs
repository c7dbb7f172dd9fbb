using RangeOrleans.Core.Encoders;
using RangeOrleans.Core.Tests.Reference;
using static TorchSharp.torch;

namespace RangeOrleans.Core.Tests.Encoders;

public class LocationEncoderTests
{
    internal static List<(double[] W, double[] B)> Weights(LocationEncoder encoder)
    {
        var p = encoder.named_parameters().ToDictionary(x => x.name, x => x.parameter);
        var layers = new List<(double[], double[])>();
        for (int i = 0; p.ContainsKey($"nnet.layers.{i}.weight"); i++)
            layers.Add((p[$"nnet.layers.{i}.weight"].data<double>().ToArray(), p[$"nnet.layers.{i}.bias"].data<double>().ToArray()));
        layers.Add((p["nnet.last_layer.weight"].data<double>().ToArray(), p["nnet.last_layer.bias"].data<double>().ToArray()));
        return layers;
    }

    [Theory]
    [InlineData(40, 64, 3, 32)]
    [InlineData(10, 256, 2, 256)]
    [InlineData(5, 17, 1, 7)]
    public void MatchesPlainLoopsForAnyArchitecture(int legendre, int capacity, int layers, int embed)
    {
        random.manual_seed(11);
        using var encoder = new LocationEncoder(new LocationEncoderConfig(legendre, capacity, layers, embed, HarmonicsEvaluation.Exact));
        encoder.eval();
        var weights = Weights(encoder);
        Assert.Equal(layers + 1, weights.Count);
        double[] lon = [-180, -12.5, 0, 77.7, 180], lat = [-90, 3.25, 0, 45, 90];
        using var actual = encoder.Encode(lon, lat);
        Assert.Equal(ScalarType.Float64, actual.dtype);
        var got = actual.data<double>().ToArray();
        var sh = new double[lon.Length * legendre * legendre];
        encoder.Harmonics.Compute(lon, lat, sh);
        for (int i = 0; i < lon.Length; i++)
        {
            var want = NaiveReference.Siren(sh.AsSpan(i * legendre * legendre, legendre * legendre).ToArray(), weights);
            for (int j = 0; j < embed; j++)
                Assert.Equal(want[j], got[i * embed + j], 1e-10);
        }
    }

    [Fact]
    public void InitialisesAsTheReference()
    {
        random.manual_seed(5);
        using var encoder = new LocationEncoder(new LocationEncoderConfig(10, 128, 2, 16));
        var w = Weights(encoder);
        Assert.True(w[0].W.All(x => Math.Abs(x) <= 1.0 / 100), "first layer U(-1/d_in, 1/d_in)");
        Assert.True(w[1].W.All(x => Math.Abs(x) <= Math.Sqrt(6.0 / 128)), "hidden layer U(-sqrt(6/d_in)/w0, +)");
        Assert.True(w[0].W.Max() > 0.8 / 100, "first layer spans its range");
    }
}
