using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace RangeOrleans.Training.Models;

/// <summary>torchvision's ResNet BasicBlock: two 3x3 conv + batch norm, identity (or 1x1 conv + BN) shortcut.</summary>
public sealed class BasicBlock : nn.Module<Tensor, Tensor>
{
    private readonly BlockAlignedConv2d conv1;
    private readonly ScalarSafeBatchNorm2d bn1;
    private readonly BlockAlignedConv2d conv2;
    private readonly ScalarSafeBatchNorm2d bn2;
    private readonly Sequential? downsample;

    public BasicBlock(long inChannels, long outChannels, long stride) : base(nameof(BasicBlock))
    {
        conv1 = new BlockAlignedConv2d(inChannels, outChannels, 3, stride: stride, padding: 1, bias: false);
        bn1 = new ScalarSafeBatchNorm2d(outChannels);
        conv2 = new BlockAlignedConv2d(outChannels, outChannels, 3, stride: 1, padding: 1, bias: false);
        bn2 = new ScalarSafeBatchNorm2d(outChannels);
        if (stride != 1 || inChannels != outChannels)
            downsample = nn.Sequential(("0", new BlockAlignedConv2d(inChannels, outChannels, 1, stride: stride, bias: false)), ("1", new ScalarSafeBatchNorm2d(outChannels)));
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var y = nn.functional.relu(bn1.forward(conv1.forward(x)));
        y = bn2.forward(conv2.forward(y));
        var shortcut = downsample is null ? x : downsample.forward(x);
        return nn.functional.relu(y + shortcut).MoveToOuterDisposeScope();
    }
}
