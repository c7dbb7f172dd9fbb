using RangeOrleans.Core.Encoders;
using TorchSharp;
using static TorchSharp.torch;

namespace RangeOrleans.Core.Tests.Encoders;

/// <summary>
/// Device placement without a GPU: libtorch's meta device runs every op on shapes only and raises on a device
/// mismatch, as CUDA would. What it proves: inputs go where the weights are. What only a GPU proves: the numbers.
/// </summary>
public sealed class LocationEncoderDeviceTests
{
    private static readonly Device Meta = new(DeviceType.META);

    [Fact]
    public void EncodeBuildsItsFeaturesOnTheWeightsDeviceWhenNoneIsGiven()
    {
        using var encoder = new LocationEncoder(new LocationEncoderConfig(4, 8, 1, 6));
        encoder.to(Meta);
        using var embedding = encoder.Encode([10.0, 20.0, 30.0], [5.0, -5.0, 0.0]);
        Assert.Equal(DeviceType.META, embedding.device_type);
        Assert.Equal([3L, 6L], embedding.shape);
    }
}
