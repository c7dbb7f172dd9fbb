using TorchSharp;
using static TorchSharp.torch;

namespace RangeOrleans.Training.Models;

/// <summary>
/// <c>nn.Conv2d</c> computed on whole blocks of 16 channels (zero input channels and zero filters appended, the extra
/// outputs dropped), so that its output and its input gradient take oneDNN's right kernels (<see cref="ChannelBlocks"/>).
/// Parameters are nn.Conv2d's, by name, shape and initialisation: checkpoints are unchanged.
/// </summary>
public sealed class BlockAlignedConv2d(long inChannels, long outChannels, long kernelSize, long stride = 1, long padding = 0, bool bias = true)
    : BlockAlignedConvolution(nameof(BlockAlignedConv2d), nn.Conv2d(inChannels, outChannels, kernelSize, stride: stride, padding: padding, bias: bias), stride, padding)
{
    public long InChannels => Weight.shape[1];
    public long OutChannels => Weight.shape[0];

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        long extraOut = ChannelBlocks.Padding(OutChannels);
        long extraIn = ChannelBlocks.Padding(InChannels); // also when x needs no gradient: the forward kernel is wrong on a partial block too
        var y = nn.functional.conv2d(ChannelBlocks.PadWithZeros(x, 1, extraIn),
            ChannelBlocks.PadWithZeros(ChannelBlocks.PadWithZeros(Weight, 0, extraOut), 1, extraIn),
            Bias is null ? null : ChannelBlocks.PadWithZeros(Bias, 0, extraOut),
            strides: Stride, padding: Padding);
        if (extraOut > 0) y = y.narrow(1, 0, OutChannels);
        return y.MoveToOuterDisposeScope();
    }
}
