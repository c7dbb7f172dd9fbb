using RangeOrleans.Core.Encoders;
using RangeOrleans.Training.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace RangeOrleans.Training.Tests.Models;

/// <summary>
/// Training's device placement without a GPU: on libtorch's meta device every operation runs on shapes only and a
/// tensor made on the CPU (a mask, the labels) raises against the model's, as it would against CUDA. libtorch's C++
/// meta device has no convolution, so the image encoders themselves cannot run there: these cover what the training
/// step draws or builds beside them. What only a GPU proves: the convolutions there, the numbers and the speed.
/// </summary>
public sealed class ModelDeviceTests
{
    private static readonly Device Meta = new(DeviceType.META);

    [Fact]
    public void TheMaskedAutoencodersMaskIsDrawnOnTheTilesDevice()
    {
        using var mae = new MaskedAutoencoder(inChannels: 3, featureDim: 16, tileSize: 16);
        mae.to(Meta);
        Assert.Equal(DeviceType.META, mae.Device.type);
        using var tiles = empty(4, 3, 16, 16, device: Meta);
        using var keep = mae.KeepMask(tiles);
        Assert.Equal(DeviceType.META, keep.device_type);
        Assert.Equal([4L, 1L, 16L, 16L], keep.shape);
        using var masked = tiles * keep; // raises if the mask were on the CPU
    }

    [Fact]
    public void SatClipsContrastiveLossAndItsGradientsStayOnTheLogitsDevice()
    {
        using var logits = empty(5, 5, device: Meta).requires_grad_();
        using var loss = SatClipModel.ContrastiveLoss(logits);
        Assert.Equal(DeviceType.META, loss.device_type);
        Assert.Empty(loss.shape);
        loss.backward();
        Assert.Equal(DeviceType.META, logits.grad!.device_type);
    }

    [Fact]
    public void SatClipsLocationHalfRunsOnTheModelsDevice()
    {
        using var model = new SatClipModel(new ResNetConfig(3, 4, [1, 1], 8, 16), new LocationEncoderConfig(3, 8, 1, 8), dropout: 0.0);
        model.to(Meta);
        using var harmonics = model.Location.Features([0.0, 10.0, 20.0], [0.0, 5.0, -5.0]);
        using var embedding = model.Location.forward(harmonics);
        Assert.Equal(DeviceType.META, embedding.device_type);
        Assert.Equal([3L, 8L], embedding.shape);
    }
}
