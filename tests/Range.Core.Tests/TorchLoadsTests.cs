using TorchSharp;

namespace RangeOrleans.Core.Tests;

public class TorchLoadsTests
{
    [Fact]
    public void NativeLibraryLoadsAndMultiplies()
    {
        using var a = torch.ones(2, 3, dtype: torch.float64);
        using var b = torch.ones(3, 4, dtype: torch.float64);
        using var c = torch.matmul(a, b);
        Assert.Equal(3.0, c[1, 2].item<double>());
    }
}
