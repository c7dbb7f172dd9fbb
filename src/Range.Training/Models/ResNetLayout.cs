using RangeOrleans.Core.Formats;

namespace RangeOrleans.Training.Models;

/// <summary>
/// The shape of a torchvision/timm ResNet as its state dict shows it: input channels and stem width (<c>conv1.weight</c>),
/// the stem (7x7: torchvision's stride-2 conv + 3x3 max pool; 3x3: the small-tile stem of <see cref="ResNetImageEncoder"/>),
/// BasicBlocks or Bottlenecks (a <c>layer1.0.conv3</c>), and blocks per stage (<c>layerS.B.*</c>). Stage s is
/// <see cref="StemWidth"/> &lt;&lt; s wide (x4 out of a Bottleneck) and halves the resolution after the first, as torchvision's.
/// </summary>
public sealed record ResNetLayout(int InChannels, int StemWidth, int StemKernel, IReadOnlyList<int> Blocks, bool Bottleneck)
{
    /// <summary>Channels of the pooled features that <c>fc</c> projects.</summary>
    public int FeatureChannels => (StemWidth << (Blocks.Count - 1)) * (Bottleneck ? Models.Bottleneck.Expansion : 1);

    /// <summary>torchvision's names for the layouts it ships; others are described by their blocks.</summary>
    public string Describe()
    {
        string blocks = string.Join("-", Blocks);
        string name = (Bottleneck, blocks) switch
        {
            (false, "2-2-2-2") => "ResNet-18",
            (false, "3-4-6-3") => "ResNet-34",
            (true, "3-4-6-3") => "ResNet-50",
            (true, "3-4-23-3") => "ResNet-101",
            _ => $"ResNet ({(Bottleneck ? "bottleneck" : "basic")} blocks {blocks})",
        };
        return $"{name}, {InChannels} input channels, {StemKernel}x{StemKernel} stem";
    }

    /// <summary>Reads the layout from a state dict's names and shapes; a RangeFormatException naming the parameter when it is not a ResNet's.</summary>
    public static ResNetLayout Infer(IReadOnlyDictionary<string, HostTensor> state, string file)
    {
        if (!state.TryGetValue("conv1.weight", out var stem))
            throw new RangeFormatException(file, "no 'conv1.weight': not a ResNet state dict in torchvision naming (conv1.weight, bn1.*, layer1.0.conv1.weight, ..., fc.*)" +
                (state.Keys.FirstOrDefault() is { } first ? $"; its first parameter is '{first}'" : "; it holds no tensors"));
        if (stem.Shape.Length != 4 || stem.Shape[2] != stem.Shape[3] || stem.Shape[2] is not (7 or 3))
            throw new RangeFormatException(file, $"'conv1.weight' is {stem.ShapeText}; a ResNet stem is [width, channels, 7, 7] (torchvision) or [width, channels, 3, 3]");
        var blocks = new List<int>();
        for (int s = 1; s <= 4; s++)
        {
            int count = 0;
            while (state.ContainsKey($"layer{s}.{count}.conv1.weight")) count++;
            if (count == 0) break;
            blocks.Add(count);
        }
        if (blocks.Count == 0) throw new RangeFormatException(file, "no 'layer1.0.conv1.weight': not a ResNet state dict in torchvision naming");
        return new ResNetLayout(checked((int)stem.Shape[1]), checked((int)stem.Shape[0]), (int)stem.Shape[2], blocks, state.ContainsKey("layer1.0.conv3.weight"));
    }
}
