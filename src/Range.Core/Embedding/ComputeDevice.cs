using TorchSharp;
using static TorchSharp.torch;

namespace RangeOrleans.Core.Embedding;

/// <summary>
/// Parses "cpu", "cuda" or "cuda:i" and checks the device exists before any model is built. "meta" (libtorch's
/// shapes-only device, where a device mismatch raises as on a GPU) is accepted for placement checks: models and
/// banks load there and every tensor operation runs, but no numbers exist to copy back.
/// </summary>
public static class ComputeDevice
{
    public static Device Parse(string spec)
    {
        var s = spec.Trim().ToLowerInvariant();
        if (s == "cpu") return CPU;
        if (s == "meta") return new Device(DeviceType.META);
        if (s == "cuda" || s.StartsWith("cuda:", StringComparison.Ordinal))
        {
            int index = 0;
            if (s.Length > 5 && !int.TryParse(s.AsSpan(5), out index))
                throw new ArgumentException($"device '{spec}': expected cuda:<index>");
            if (!cuda.is_available())
                throw new ArgumentException($"device '{spec}': CUDA is not available to this process (the TorchSharp native libraries in use are CPU-only; see the README's GPU section)");
            if (index < 0 || index >= cuda.device_count())
                throw new ArgumentException($"device '{spec}': only {cuda.device_count()} CUDA device(s) present");
            return new Device(DeviceType.CUDA, index);
        }
        throw new ArgumentException($"device '{spec}': expected cpu, cuda or cuda:<index>");
    }
}
