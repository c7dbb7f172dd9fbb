using System.Runtime.InteropServices;
using TorchSharp;

namespace RangeOrleans.Training.Tests.Support;

/// <summary>
/// Turns on c10's junk fill of new CPU allocations (the bool <c>FLAGS_caffe2_cpu_allocator_do_junk_fill</c>
/// exported by libc10.so) while it lives: a kernel that reads memory nobody wrote then sees NaNs every time
/// instead of whatever the allocator last held, so a defect that shows only sometimes shows always.
/// </summary>
public sealed class CpuAllocatorJunkFill : IDisposable
{
    private const string FlagSymbol = "FLAGS_caffe2_cpu_allocator_do_junk_fill";
    private readonly IntPtr flag;
    private readonly byte previous;

    public CpuAllocatorJunkFill()
    {
        _ = torch.zeros(1); // loads libtorch (and libc10) if nothing has yet
        var library = Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native", "libc10.so");
        if (!File.Exists(library)) library = "libc10.so";
        flag = NativeLibrary.GetExport(NativeLibrary.Load(library), FlagSymbol);
        previous = Marshal.ReadByte(flag);
        Marshal.WriteByte(flag, 1);
    }

    public void Dispose() => Marshal.WriteByte(flag, previous);
}
