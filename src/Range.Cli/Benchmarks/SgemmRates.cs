using System.Diagnostics;
using TorchSharp;
using RangeOrleans.Core.Retrieval;
using static TorchSharp.torch;

namespace RangeOrleans.Cli.Benchmarks;

/// <summary>
/// The large float32 matmul rate (GFLOP/s, best trial) of each BLAS this process can use: libtorch's on the device,
/// and on the CPU also the system's OpenBLAS where installed. Trials alternate between the two, so a busy moment of a
/// shared machine lands on both; the best of all is the yardstick the embedders are compared with.
/// </summary>
public sealed class SgemmRates : IDisposable
{
    private readonly int _size;
    private readonly DisposeScope _scope = NewDisposeScope();
    private readonly Tensor _a;
    private readonly Tensor _b;
    private readonly float[]? _hostA;
    private readonly float[]? _hostB;
    private readonly float[]? _hostC;

    public SgemmRates(Device device, int size = 4096)
    {
        _size = size;
        _a = randn(size, size, device: device);
        _b = randn(size, size, device: device);
        if (device.type == DeviceType.CPU && OpenBlas.IsAvailable)
        {
            _hostA = _a.data<float>().ToArray();
            _hostB = _b.data<float>().ToArray();
            _hostC = new float[(long)size * size];
        }
    }

    public int Size => _size;
    public double LibTorch { get; private set; }

    /// <summary>Null where OpenBLAS is not in use (not installed, or not the CPU).</summary>
    public double? OpenBlasRate { get; private set; }

    public double Best => Math.Max(LibTorch, OpenBlasRate ?? 0);
    public string BestName => (OpenBlasRate ?? 0) > LibTorch ? "OpenBLAS" : "libtorch";

    /// <summary>Times <paramref name="trials"/> products of each BLAS, alternating which goes first; keeps each one's best.</summary>
    public void Measure(int trials)
    {
        if (LibTorch == 0) Warm();
        for (int i = 0; i < trials; i++)
        {
            if (i % 2 == 0) { TimeLibTorch(); TimeOpenBlas(); }
            else { TimeOpenBlas(); TimeLibTorch(); }
        }
    }

    private void Warm()
    {
        _a.mm(_b).Dispose();
        if (_hostA is not null) OpenBlas.Multiply(_hostA, _hostB, _hostC, _size, _size, _size, transposeB: false);
    }

    private double Rate(double seconds) => 2.0 * _size * (double)_size * _size / seconds / 1e9;

    private void TimeLibTorch()
    {
        var sw = Stopwatch.StartNew();
        using var c = _a.mm(_b);
        _ = c[0, 0].item<float>(); // waits for asynchronous devices
        LibTorch = Math.Max(LibTorch, Rate(sw.Elapsed.TotalSeconds));
    }

    private void TimeOpenBlas()
    {
        if (_hostA is null) return;
        var sw = Stopwatch.StartNew();
        OpenBlas.Multiply(_hostA, _hostB, _hostC, _size, _size, _size, transposeB: false);
        OpenBlasRate = Math.Max(OpenBlasRate ?? 0, Rate(sw.Elapsed.TotalSeconds));
    }

    public void Dispose() => _scope.Dispose();
}
