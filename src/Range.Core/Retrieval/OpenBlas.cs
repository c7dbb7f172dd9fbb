using System.Runtime.InteropServices;

namespace RangeOrleans.Core.Retrieval;

/// <summary>
/// OpenBLAS's <c>cblas_sgemm</c>, bound at run time to the system's <c>libopenblas.so.0</c> (Debian:
/// <c>libopenblas0-pthread</c>) when it is installed: libtorch's bundled BLAS leaves part of some CPUs' matmul rate
/// unused (docs/performance.md). Nothing is required: without the library <see cref="IsAvailable"/> is false and
/// callers keep libtorch's matmul.
/// </summary>
public static unsafe class OpenBlas
{
    private const int RowMajor = 101, NoTrans = 111, Trans = 112;

    private static readonly nint Sgemm;
    private static readonly nint SetThreads;
    private static readonly nint GetThreads;

    static OpenBlas()
    {
        if (!NativeLibrary.TryLoad("libopenblas.so.0", out var library)) return;
        if (!NativeLibrary.TryGetExport(library, "cblas_sgemm", out Sgemm)) return;
        NativeLibrary.TryGetExport(library, "openblas_set_num_threads", out SetThreads);
        NativeLibrary.TryGetExport(library, "openblas_get_num_threads", out GetThreads);
    }

    public static bool IsAvailable => Sgemm != 0;

    /// <summary>OpenBLAS's thread count (its own pool, separate from libtorch's); 0 when not loaded.</summary>
    public static int Threads
    {
        get => GetThreads == 0 ? 0 : ((delegate* unmanaged<int>)GetThreads)();
        set
        {
            if (SetThreads != 0) ((delegate* unmanaged<int, void>)SetThreads)(value);
        }
    }

    /// <summary>
    /// c [m, n] = a [m, k] b, where b is [k, n], or [n, k] used transposed when <paramref name="transposeB"/>; all
    /// float32, row-major and contiguous.
    /// </summary>
    public static void Multiply(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int n, int k, bool transposeB)
    {
        if (!IsAvailable) throw new InvalidOperationException("libopenblas.so.0 is not installed (Debian: apt-get install libopenblas0-pthread)");
        if (a.Length < (long)m * k || b.Length < (long)k * n || c.Length < (long)m * n)
            throw new ArgumentException($"sgemm [{m}, {k}] x [{k}, {n}] needs {(long)m * k}, {(long)k * n} and {(long)m * n} values; got {a.Length}, {b.Length} and {c.Length}");
        fixed (float* pa = a, pb = b, pc = c)
        {
            ((delegate* unmanaged<int, int, int, int, int, int, float, float*, int, float*, int, float, float*, int, void>)Sgemm)(
                RowMajor, NoTrans, transposeB ? Trans : NoTrans, m, n, k, 1f, pa, k, pb, transposeB ? k : n, 0f, pc, n);
        }
    }
}
