using System.Runtime.InteropServices;

namespace RangeOrleans.Core.Native;

/// <summary>
/// Uses the libtorch of an existing PyTorch installation (e.g. a GPU host with PyTorch + CUDA but no
/// NuGet access, where the CUDA TorchSharp package cannot be restored). Loading its libraries by full
/// path before TorchSharp's first call makes TorchSharp's native shim bind to them instead of the CPU
/// libtorch shipped with the build. Set <see cref="EnvironmentVariable"/> to the installation's
/// <c>torch/lib</c> folder. TorchSharp 0.107's shim is built against libtorch 2.10: check another version
/// with scripts/check-libtorch-abi.sh first.
/// </summary>
public static class ExternalLibTorch
{
    public const string EnvironmentVariable = "RANGE_LIBTORCH_DIR";

    // Dependency order: each library's NEEDED entries are already loaded when it is.
    private static readonly string[] s_libraries =
        ["libc10.so", "libc10_cuda.so", "libtorch_cpu.so", "libtorch_cuda.so", "libtorch.so"];

    private static string? s_loadedFrom;

    /// <summary>Loads the libraries once if the variable (or <paramref name="directory"/>) is set; returns the folder used, or null.</summary>
    public static string? Preload(string? directory = null)
    {
        directory ??= Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (string.IsNullOrWhiteSpace(directory)) return null;
        if (s_loadedFrom is not null) return s_loadedFrom;
        if (!Directory.Exists(directory))
            throw new ArgumentException($"{EnvironmentVariable} = '{directory}' is not a folder (expected the torch/lib folder of a PyTorch installation)");
        if (!File.Exists(Path.Combine(directory, "libtorch.so")))
            throw new ArgumentException($"{EnvironmentVariable} = '{directory}' holds no libtorch.so");
        foreach (var name in s_libraries)
        {
            var path = Path.Combine(directory, name);
            if (File.Exists(path)) NativeLibrary.Load(path);
        }
        return s_loadedFrom = directory;
    }
}
