using RangeOrleans.Training.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace RangeOrleans.Training.Tests.Training;

public sealed class AdamWTests
{
    [Fact]
    public void StepsBitForBitAsTorchSharpsAdamWAndLoadsItsStateFiles()
    {
        var stock = Parameters(seed: 5);
        var safe = Parameters(seed: 5);
        using var stockOptimizer = torch.optim.AdamW(stock, lr: 1e-2, weight_decay: 0.01);
        using var safeOptimizer = new RangeOrleans.Training.Training.AdamW(safe, 1e-2, 0.01);
        for (int step = 0; step < 20; step++)
        {
            using var scope = NewDisposeScope();
            torch.manual_seed(100 + step);
            foreach (var p in stock) p.grad = torch.randn(p.shape);
            torch.manual_seed(100 + step);
            foreach (var p in safe) p.grad = torch.randn(p.shape);
            stockOptimizer.step();
            safeOptimizer.step();
        }
        for (int i = 0; i < stock.Length; i++) Assert.True(stock[i].eq(safe[i]).all().item<bool>(), $"parameter {i} differs after 20 steps");

        // Resuming one from the other's saved state continues identically.
        string saved = Path.Combine(Path.GetTempPath(), $"adamw-{Guid.NewGuid():N}.bin");
        stockOptimizer.save_state_dict(saved);
        var resumed = Parameters(seed: 5);
        for (int i = 0; i < stock.Length; i++) using (no_grad()) resumed[i].copy_(stock[i]);
        using var resumedOptimizer = new RangeOrleans.Training.Training.AdamW(resumed, 1e-2, 0.01);
        resumedOptimizer.load_state_dict(saved);
        File.Delete(saved);
        foreach (var (p, q) in stock.Zip(resumed)) { p.grad = torch.ones(p.shape); q.grad = torch.ones(q.shape); }
        stockOptimizer.step();
        resumedOptimizer.step();
        for (int i = 0; i < stock.Length; i++) Assert.True(stock[i].eq(resumed[i]).all().item<bool>(), $"parameter {i} differs after resuming");
    }

    [Fact]
    public void StepsSurviveGarbageCollectionsDuringTheirNativeCalls()
    {
        // TorchSharp's own AdamW fails this within seconds: a collection frees a Scalar libtorch is reading.
        var parameters = Parameters(seed: 1, count: 50);
        using var optimizer = new RangeOrleans.Training.Training.AdamW(parameters, 1e-3, 0.01);
        bool stop = false;
        var collector = new Thread(() =>
        {
            while (!Volatile.Read(ref stop)) { GC.Collect(0); Thread.Sleep(1); }
        });
        collector.Start();
        try
        {
            for (int step = 0; step < 1_500; step++)
            {
                using var scope = NewDisposeScope();
                foreach (var p in parameters) p.grad = torch.ones(p.shape);
                optimizer.step();
            }
        }
        finally
        {
            Volatile.Write(ref stop, true);
            collector.Join();
        }
        Assert.All(parameters, p => Assert.True(p.isfinite().all().item<bool>()));
    }

    private static Parameter[] Parameters(int seed, int count = 4)
    {
        torch.manual_seed(seed);
        return Enumerable.Range(0, count).Select(i => new Parameter(torch.randn(i % 2 == 0 ? [3, 5] : [7]))).ToArray();
    }
}
