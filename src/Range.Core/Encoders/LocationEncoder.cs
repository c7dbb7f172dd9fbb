using TorchSharp;
using static TorchSharp.torch;

namespace RangeOrleans.Core.Encoders;

/// <summary>
/// SatCLIP's location encoder: spherical-harmonic features (<c>posenc</c>, no parameters) fed to a SIREN
/// (<c>nnet</c>), in float64 as the reference runs it. Parameter names match the reference's
/// <c>model.location.*</c> state-dict keys under the prefix <see cref="StateDictPrefix"/>.
/// </summary>
public sealed class LocationEncoder : nn.Module<Tensor, Tensor>
{
    public const string StateDictPrefix = "model.location.";

    private readonly SirenNet nnet;

    public LocationEncoder(LocationEncoderConfig config, double dropout = 0.0, ScalarType dtype = ScalarType.Float64)
        : base(nameof(LocationEncoder))
    {
        Config = config;
        DType = dtype;
        Harmonics = new SphericalHarmonics(config.LegendrePolys, config.Harmonics);
        nnet = new SirenNet(config.InputDim, config.Capacity, config.EmbedDim, config.NumHiddenLayers, dropout, dtype);
        RegisterComponents();
    }

    public LocationEncoderConfig Config { get; }
    public ScalarType DType { get; }
    public SphericalHarmonics Harmonics { get; }

    /// <summary>SIREN forward on precomputed spherical-harmonic features [n, L*L].</summary>
    public override Tensor forward(Tensor features) => nnet.forward(features);

    /// <summary>Spherical-harmonic features of n points as an [n, L*L] tensor of this encoder's dtype.</summary>
    public Tensor Features(ReadOnlySpan<double> lon, ReadOnlySpan<double> lat, Device? device = null)
    {
        var buffer = new double[lon.Length * Harmonics.FeatureCount];
        Harmonics.Compute(lon, lat, buffer);
        using var cpu = tensor(buffer, new long[] { lon.Length, Harmonics.FeatureCount });
        return cpu.to(DType, device ?? Device);
    }

    /// <summary>The device the weights are on: inputs built for the encoder go there.</summary>
    public Device Device => nnet.parameters().First().device;

    /// <summary>Location embeddings [n, embed_dim] of n points (inference: no dropout, no gradients), on <paramref name="device"/> (default: the weights' own).</summary>
    public Tensor Encode(ReadOnlySpan<double> lon, ReadOnlySpan<double> lat, Device? device = null)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var features = Features(lon, lat, device ?? Device);
        return forward(features).MoveToOuterDisposeScope();
    }
}
