using TorchSharp;
using static TorchSharp.torch;

namespace RangeOrleans.Training.Models;

/// <summary>
/// <c>nn.ConvTranspose2d</c> whose input and output channels are both computed in whole blocks of 16 (zero
/// channels appended to the input and the kernel, extra outputs dropped): oneDNN runs a transposed convolution's
/// forward pass with the backward-data kernel that is wrong on partial blocks (<see cref="ChannelBlocks"/>).
/// Parameters are nn.ConvTranspose2d's, by name, shape ([in, out, k, k]) and initialisation.
/// </summary>
public sealed class BlockAlignedConvTranspose2d(long inChannels, long outChannels, long kernelSize, long stride = 1, long padding = 0, bool bias = true)
    : BlockAlignedConvolution(nameof(BlockAlignedConvTranspose2d), nn.ConvTranspose2d(inChannels, outChannels, kernelSize, stride: stride, padding: padding, bias: bias), stride, padding)
{
    public long InChannels => Weight.shape[0];
    public long OutChannels => Weight.shape[1];

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        long extraIn = ChannelBlocks.Padding(InChannels), extraOut = ChannelBlocks.Padding(OutChannels);
        var kernel = ChannelBlocks.PadWithZeros(ChannelBlocks.PadWithZeros(Weight, 0, extraIn), 1, extraOut);
        var y = nn.functional.conv_transpose2d(ChannelBlocks.PadWithZeros(x, 1, extraIn), kernel,
            Bias is null ? null : ChannelBlocks.PadWithZeros(Bias, 0, extraOut),
            strides: Stride, padding: Padding);
        if (extraOut > 0) y = y.narrow(1, 0, OutChannels);
        return y.MoveToOuterDisposeScope();
    }
}
