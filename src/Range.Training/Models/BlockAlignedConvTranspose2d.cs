using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace RangeOrleans.Training.Models;

/// <summary>
/// <c>nn.ConvTranspose2d</c> whose input and output channels are both computed in whole blocks of 16 (zero
/// channels appended to the input and the kernel, extra outputs dropped): oneDNN runs a transposed convolution's
/// forward pass with the backward-data kernel that is wrong on partial blocks (<see cref="ChannelBlocks"/>).
/// Parameters are nn.ConvTranspose2d's, by name, shape ([in, out, k, k]) and initialisation.
/// </summary>
public sealed class BlockAlignedConvTranspose2d : nn.Module<Tensor, Tensor>
{
    private readonly Parameter weight;
    private readonly Parameter? bias;
    private readonly long stride;
    private readonly long padding;

    public BlockAlignedConvTranspose2d(long inChannels, long outChannels, long kernelSize, long stride = 1, long padding = 0, bool bias = true)
        : base(nameof(BlockAlignedConvTranspose2d))
    {
        using (var initial = nn.ConvTranspose2d(inChannels, outChannels, kernelSize, stride: stride, padding: padding, bias: bias))
        {
            weight = new Parameter(initial.weight!.detach().clone());
            if (bias) this.bias = new Parameter(initial.bias!.detach().clone());
        }
        this.stride = stride;
        this.padding = padding;
        RegisterComponents();
    }

    public long InChannels => weight.shape[0];
    public long OutChannels => weight.shape[1];

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        long extraIn = ChannelBlocks.Padding(InChannels), extraOut = ChannelBlocks.Padding(OutChannels);
        var kernel = ChannelBlocks.PadWithZeros(ChannelBlocks.PadWithZeros(weight, 0, extraIn), 1, extraOut);
        var y = nn.functional.conv_transpose2d(ChannelBlocks.PadWithZeros(x, 1, extraIn), kernel,
            bias is null ? null : ChannelBlocks.PadWithZeros(bias, 0, extraOut),
            strides: [stride, stride], padding: [padding, padding]);
        if (extraOut > 0) y = y.narrow(1, 0, OutChannels);
        return y.MoveToOuterDisposeScope();
    }
}
