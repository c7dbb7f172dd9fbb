using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace RangeOrleans.Training.Models;

/// <summary>
/// SatCLIP's image tower, sized for small tiles: a 3x3 stride-1 stem (<c>conv1</c>, <c>bn1</c>), stages
/// <c>layer1..layerK</c> of BasicBlocks, global average pooling, and <c>fc</c> projecting to the embedding.
/// Parameter names follow torchvision, so the weights read like a ResNet's under <c>model.visual.</c>.
/// </summary>
public sealed class ResNetImageEncoder : nn.Module<Tensor, Tensor>
{
    private readonly BlockAlignedConv2d conv1;
    private readonly BatchNorm2d bn1;
    private readonly Sequential layer1;
    private readonly Sequential? layer2;
    private readonly Sequential? layer3;
    private readonly Sequential? layer4;
    private readonly Linear fc;

    public ResNetImageEncoder(ResNetConfig config) : base(nameof(ResNetImageEncoder))
    {
        config.Validate();
        if (config.Layers.Count > 4) throw new ArgumentException("at most 4 ResNet stages");
        Config = config;
        conv1 = new BlockAlignedConv2d(config.InChannels, config.Width, 3, stride: 1, padding: 1, bias: false);
        bn1 = nn.BatchNorm2d(config.Width);
        var stages = new Sequential?[4];
        long channels = config.Width;
        for (int s = 0; s < config.Layers.Count; s++)
        {
            long outChannels = (long)config.Width << s;
            var blocks = new List<(string, nn.Module<Tensor, Tensor>)>();
            for (int b = 0; b < config.Layers[s]; b++)
            {
                blocks.Add((b.ToString(System.Globalization.CultureInfo.InvariantCulture), new BasicBlock(channels, outChannels, b == 0 && s > 0 ? 2 : 1)));
                channels = outChannels;
            }
            stages[s] = nn.Sequential(blocks);
        }
        layer1 = stages[0]!;
        layer2 = stages[1];
        layer3 = stages[2];
        layer4 = stages[3];
        fc = nn.Linear(channels, config.EmbedDim);
        RegisterComponents();
    }

    public ResNetConfig Config { get; }

    /// <summary>[n, C, P, P] float32 tiles to [n, embed_dim] (not normalised).</summary>
    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        x = nn.functional.relu(bn1.forward(conv1.forward(x)));
        x = layer1.forward(x);
        if (layer2 is not null) x = layer2.forward(x);
        if (layer3 is not null) x = layer3.forward(x);
        if (layer4 is not null) x = layer4.forward(x);
        x = x.mean([2, 3]);
        return fc.forward(x).MoveToOuterDisposeScope();
    }
}
