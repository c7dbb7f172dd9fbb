using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace RangeOrleans.Training.Models;

/// <summary>
/// <c>nn.Conv2d</c> computed on whole blocks of 16 channels (zero filters appended and their outputs dropped; when
/// the input needs a gradient, zero input channels too), so that its input gradient takes oneDNN's right kernel
/// (<see cref="ChannelBlocks"/>). Parameters are nn.Conv2d's, by name, shape and initialisation: checkpoints are unchanged.
/// </summary>
public sealed class BlockAlignedConv2d : nn.Module<Tensor, Tensor>
{
    private readonly Parameter weight;
    private readonly Parameter? bias;
    private readonly long stride;
    private readonly long padding;

    public BlockAlignedConv2d(long inChannels, long outChannels, long kernelSize, long stride = 1, long padding = 0, bool bias = true)
        : base(nameof(BlockAlignedConv2d))
    {
        using (var initial = nn.Conv2d(inChannels, outChannels, kernelSize, stride: stride, padding: padding, bias: bias))
        {
            weight = new Parameter(initial.weight!.detach().clone());
            if (bias) this.bias = new Parameter(initial.bias!.detach().clone());
        }
        this.stride = stride;
        this.padding = padding;
        RegisterComponents();
    }

    public long InChannels => weight.shape[1];
    public long OutChannels => weight.shape[0];

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        long extra = ChannelBlocks.Padding(OutChannels);
        long extraIn = x.requires_grad ? ChannelBlocks.Padding(InChannels) : 0; // a stem's tiles need no gradient: no copy
        var y = nn.functional.conv2d(ChannelBlocks.PadWithZeros(x, 1, extraIn),
            ChannelBlocks.PadWithZeros(ChannelBlocks.PadWithZeros(weight, 0, extra), 1, extraIn),
            bias is null ? null : ChannelBlocks.PadWithZeros(bias, 0, extra),
            strides: [stride, stride], padding: [padding, padding]);
        if (extra > 0) y = y.narrow(1, 0, OutChannels);
        return y.MoveToOuterDisposeScope();
    }
}
