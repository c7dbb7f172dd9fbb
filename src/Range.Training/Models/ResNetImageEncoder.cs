using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace RangeOrleans.Training.Models;

/// <summary>
/// SatCLIP's image tower, a ResNet with torchvision's (and timm's) module names, so its weights read like a ResNet's under
/// <c>model.visual.</c> and a downloaded state dict loads by name: <c>conv1</c>, <c>bn1</c>, (max pool after a 7x7 stem),
/// <c>layer1..layer4</c> of BasicBlocks or Bottlenecks, global average pooling and <c>fc</c> projecting to the embedding.
/// Trained jointly it is sized for small tiles (<see cref="ResNetConfig"/>: a 3x3 stride-1 stem, BasicBlocks); as a frozen
/// backbone it is what <c>timm.create_model("resnet18", in_chans, num_classes=embed_dim)</c> is in the reference, and
/// <see cref="Freeze"/> its <c>requires_grad_(False)</c> on all but <c>fc</c>; here the frozen part also stays in eval mode
/// (batch-norm statistics fixed), so its features can be computed once per tile.
/// </summary>
public sealed class ResNetImageEncoder : nn.Module<Tensor, Tensor>
{
    private readonly BlockAlignedConv2d conv1;
    private readonly ScalarSafeBatchNorm2d bn1;
    private readonly Sequential layer1;
    private readonly Sequential? layer2;
    private readonly Sequential? layer3;
    private readonly Sequential? layer4;
    private readonly Linear fc;

    /// <summary>The joint mode's small ResNet, trained from scratch.</summary>
    public ResNetImageEncoder(ResNetConfig config) : this(Validated(config).Layout, config.EmbedDim)
    {
    }

    public ResNetImageEncoder(ResNetLayout layout, int embedDim) : base(nameof(ResNetImageEncoder))
    {
        if (layout.Blocks.Count is < 1 or > 4 || layout.Blocks.Any(b => b < 1)) throw new ArgumentException($"a ResNet has 1 to 4 stages of at least one block, got {string.Join("-", layout.Blocks)}");
        Layout = layout;
        bool torchvisionStem = layout.StemKernel == 7;
        conv1 = new BlockAlignedConv2d(layout.InChannels, layout.StemWidth, layout.StemKernel, stride: torchvisionStem ? 2 : 1, padding: layout.StemKernel / 2, bias: false);
        bn1 = new ScalarSafeBatchNorm2d(layout.StemWidth);
        var stages = new Sequential?[4];
        long channels = layout.StemWidth;
        for (int s = 0; s < layout.Blocks.Count; s++)
        {
            long width = (long)layout.StemWidth << s;
            var blocks = new List<(string, nn.Module<Tensor, Tensor>)>();
            for (int b = 0; b < layout.Blocks[s]; b++)
            {
                long stride = b == 0 && s > 0 ? 2 : 1;
                nn.Module<Tensor, Tensor> block = layout.Bottleneck ? new Bottleneck(channels, width, stride) : new BasicBlock(channels, width, stride);
                blocks.Add((b.ToString(System.Globalization.CultureInfo.InvariantCulture), block));
                channels = layout.Bottleneck ? width * Bottleneck.Expansion : width;
            }
            stages[s] = nn.Sequential(blocks);
        }
        layer1 = stages[0]!;
        layer2 = stages[1];
        layer3 = stages[2];
        layer4 = stages[3];
        fc = nn.Linear(layout.FeatureChannels, embedDim);
        RegisterComponents();
    }

    public ResNetLayout Layout { get; }

    /// <summary>The embedding width fc maps to.</summary>
    public int EmbedDim => (int)fc.out_features;

    /// <summary>The trained projection head (features to embedding).</summary>
    public Linear Fc => fc;

    /// <summary>Whether <see cref="Freeze"/> was called: all but <c>fc</c> is fixed and in eval mode.</summary>
    public bool Frozen { get; private set; }

    /// <summary>[n, C, P, P] float32 tiles to [n, embed_dim] (not normalised).</summary>
    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        return fc.forward(Features(x)).MoveToOuterDisposeScope();
    }

    /// <summary>The pooled features [n, <see cref="ResNetLayout.FeatureChannels"/>] that <c>fc</c> projects.</summary>
    public Tensor Features(Tensor x)
    {
        using var scope = NewDisposeScope();
        x = nn.functional.relu(bn1.forward(conv1.forward(x)));
        if (Layout.StemKernel == 7) x = nn.functional.max_pool2d(x, 3, stride: 2, padding: 1);
        x = layer1.forward(x);
        if (layer2 is not null) x = layer2.forward(x);
        if (layer3 is not null) x = layer3.forward(x);
        if (layer4 is not null) x = layer4.forward(x);
        return x.mean([2, 3]).MoveToOuterDisposeScope();
    }

    /// <summary>Fixes everything but <c>fc</c>: no gradient, and eval mode from now on (see <see cref="train"/>).</summary>
    public void Freeze()
    {
        foreach (var (name, p) in named_parameters())
            p.requires_grad = name.StartsWith("fc.", StringComparison.Ordinal);
        Frozen = true;
        train(training);
    }

    private static ResNetConfig Validated(ResNetConfig config)
    {
        config.Validate();
        return config;
    }

    /// <summary>Training mode reaches only <c>fc</c> once frozen: the backbone's batch norms keep their loaded statistics.</summary>
    public override void train(bool on = true)
    {
        base.train(on);
        if (!Frozen) return;
        foreach (var (name, child) in named_children())
            if (name != "fc") child.eval();
    }
}
