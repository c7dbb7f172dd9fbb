using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace RangeOrleans.Training.Models;

/// <summary>
/// torchvision's ResNet Bottleneck (ResNet-50 and up): 1x1 reduce, 3x3 (carrying the stride, as torchvision v1.5 and
/// timm do), 1x1 expand to 4x the width, each with batch norm; identity or 1x1 conv + BN shortcut.
/// </summary>
public sealed class Bottleneck : nn.Module<Tensor, Tensor>
{
    public const int Expansion = 4;

    private readonly BlockAlignedConv2d conv1;
    private readonly ScalarSafeBatchNorm2d bn1;
    private readonly BlockAlignedConv2d conv2;
    private readonly ScalarSafeBatchNorm2d bn2;
    private readonly BlockAlignedConv2d conv3;
    private readonly ScalarSafeBatchNorm2d bn3;
    private readonly Sequential? downsample;

    public Bottleneck(long inChannels, long width, long stride) : base(nameof(Bottleneck))
    {
        long outChannels = width * Expansion;
        conv1 = new BlockAlignedConv2d(inChannels, width, 1, bias: false);
        bn1 = new ScalarSafeBatchNorm2d(width);
        conv2 = new BlockAlignedConv2d(width, width, 3, stride: stride, padding: 1, bias: false);
        bn2 = new ScalarSafeBatchNorm2d(width);
        conv3 = new BlockAlignedConv2d(width, outChannels, 1, bias: false);
        bn3 = new ScalarSafeBatchNorm2d(outChannels);
        if (stride != 1 || inChannels != outChannels)
            downsample = nn.Sequential(("0", new BlockAlignedConv2d(inChannels, outChannels, 1, stride: stride, bias: false)), ("1", new ScalarSafeBatchNorm2d(outChannels)));
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var y = nn.functional.relu(bn1.forward(conv1.forward(x)));
        y = nn.functional.relu(bn2.forward(conv2.forward(y)));
        y = bn3.forward(conv3.forward(y));
        var shortcut = downsample is null ? x : downsample.forward(x);
        return nn.functional.relu(y + shortcut).MoveToOuterDisposeScope();
    }
}
