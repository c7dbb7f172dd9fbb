using RangeOrleans.Training.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace RangeOrleans.Training.Tests.Models;

public sealed class ScalarSafeBatchNorm2dTests
{
    [Fact]
    public void ComputesAndTracksStatisticsBitForBitAsTorchSharpsBatchNorm2dUnderTheSameNames()
    {
        torch.manual_seed(3);
        using var stock = nn.BatchNorm2d(6);
        using var safe = new ScalarSafeBatchNorm2d(6);
        Assert.Equal(stock.state_dict().Keys.Order(StringComparer.Ordinal), safe.state_dict().Keys.Order(StringComparer.Ordinal));
        using (no_grad())
        {
            stock.weight!.copy_(torch.rand(6));
            stock.bias!.copy_(torch.randn(6));
            safe.get_parameter("weight")!.copy_(stock.weight);
            safe.get_parameter("bias")!.copy_(stock.bias);
        }
        for (int step = 0; step < 5; step++)
        {
            using var scope = NewDisposeScope();
            var x = torch.randn(4, 6, 5, 5) * 3 + 1;
            Assert.True(stock.forward(x).eq(safe.forward(x)).all().item<bool>(), $"training output differs at step {step}");
        }
        foreach (var (name, tensor) in stock.state_dict())
            Assert.True(tensor.eq(safe.state_dict()[name]).all().item<bool>(), $"{name} differs after 5 training steps");
        Assert.Equal(5L, safe.get_buffer("num_batches_tracked")!.item<long>());

        stock.eval();
        safe.eval();
        using var y = torch.randn(2, 6, 3, 3);
        Assert.True(stock.forward(y).eq(safe.forward(y)).all().item<bool>(), "evaluation output differs");
        Assert.Equal(5L, safe.get_buffer("num_batches_tracked")!.item<long>());
    }
}
