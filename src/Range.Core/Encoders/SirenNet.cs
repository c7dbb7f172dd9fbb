using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace RangeOrleans.Core.Encoders;

/// <summary>
/// SIREN network as in SatCLIP: <c>layers</c> (hidden sine layers; w0 = 30 for the first, 1 after)
/// then <c>last_layer</c>, a plain linear map to the embedding.
/// </summary>
public sealed class SirenNet : nn.Module<Tensor, Tensor>
{
    public const double FirstLayerW0 = 30.0;
    public const double HiddenW0 = 1.0;

    private readonly ModuleList<Siren> layers;
    private readonly Siren last_layer;

    public SirenNet(int dimIn, int dimHidden, int dimOut, int numHiddenLayers, double dropout = 0.0, ScalarType dtype = ScalarType.Float64)
        : base(nameof(SirenNet))
    {
        if (numHiddenLayers < 1) throw new ArgumentOutOfRangeException(nameof(numHiddenLayers), "a SIREN needs at least one hidden layer");
        layers = new ModuleList<Siren>();
        for (int i = 0; i < numHiddenLayers; i++)
        {
            bool first = i == 0;
            layers.Add(new Siren(first ? dimIn : dimHidden, dimHidden, first ? FirstLayerW0 : HiddenW0, first, sine: true, dropout, dtype));
        }
        last_layer = new Siren(dimHidden, dimOut, HiddenW0, isFirst: false, sine: false, dropout: 0.0, dtype);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        foreach (var layer in layers)
            x = layer.forward(x);
        return last_layer.forward(x).MoveToOuterDisposeScope();
    }
}
