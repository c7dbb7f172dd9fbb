using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace RangeOrleans.Core.Encoders;

/// <summary>
/// One SIREN layer: sin(w0 * (W x + b)), or W x + b for the output layer. Parameter names match the
/// reference (<c>weight</c>, <c>bias</c>) so a state dict maps by name. As in the reference, dropout
/// (training only) sits between the linear map and the sine.
/// </summary>
public sealed class Siren : nn.Module<Tensor, Tensor>
{
    private readonly Parameter weight;
    private readonly Parameter bias;
    private readonly double _w0;
    private readonly bool _sine;
    private readonly double _dropout;

    public Siren(int dimIn, int dimOut, double w0, bool isFirst, bool sine, double dropout, ScalarType dtype = ScalarType.Float64)
        : base(nameof(Siren))
    {
        _w0 = w0;
        _sine = sine;
        _dropout = dropout;
        // Reference initialisation: first layer U(-1/d_in, 1/d_in), others U(-sqrt(6/d_in)/w0, +).
        double bound = isFirst ? 1.0 / dimIn : Math.Sqrt(6.0 / dimIn) / w0;
        weight = nn.Parameter(empty(dimOut, dimIn, dtype).uniform_(-bound, bound));
        bias = nn.Parameter(empty(dimOut, dtype).uniform_(-bound, bound));
        RegisterComponents();
    }

    public int InFeatures => (int)weight.shape[1];
    public int OutFeatures => (int)weight.shape[0];

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var y = nn.functional.linear(x, weight, bias);
        if (_dropout > 0 && training)
            y = nn.functional.dropout(y, _dropout, training: true);
        if (_sine)
            y = (y * _w0).sin_();
        return y.MoveToOuterDisposeScope();
    }
}
