using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace RangeOrleans.Training.Models;

/// <summary>
/// What the block-aligned convolutions share: the parameters of the torch layer they stand in for (taken from a
/// freshly initialised one, so names, shapes and initialisation are torch's), its stride and padding.
/// </summary>
public abstract class BlockAlignedConvolution : nn.Module<Tensor, Tensor>
{
    protected BlockAlignedConvolution(string name, Convolution initial, long stride, long padding) : base(name)
    {
        using (initial)
        {
            register_parameter("weight", new Parameter(initial.weight!.detach().clone()));
            if (initial.bias is not null) register_parameter("bias", new Parameter(initial.bias.detach().clone()));
        }
        Stride = [stride, stride];
        Padding = [padding, padding];
    }

    // Looked up by name on each use: Module.to(device or dtype) replaces registered parameters.
    protected Parameter Weight => get_parameter("weight")!;
    protected Parameter? Bias => get_parameter("bias");
    protected long[] Stride { get; }
    protected long[] Padding { get; }
}
