namespace RangeOrleans.Core.Retrieval;

/// <summary>Which BLAS runs soft retrieval's two products on the CPU.</summary>
public enum CpuBlas
{
    /// <summary>libtorch's matmul (its bundled BLAS): always present.</summary>
    LibTorch,

    /// <summary>The system's OpenBLAS (<see cref="OpenBlas"/>), where installed.</summary>
    OpenBlas,
}

/// <summary>
/// The default <see cref="CpuBlas"/>: libtorch, unless <c>RANGE_BLAS=openblas</c>. OpenBLAS (0.3.21, measured on an AMD
/// EPYC) gives a row of a product different last bits by where the row sits in the matrix, even beside identical rows,
/// so with it a point's embedding depends on its batch within float rounding (docs/reliability.md): an opt-in for speed.
/// </summary>
public static class CpuBlasChoice
{
    public const string Variable = "RANGE_BLAS";

    public static CpuBlas Default => Parse(Environment.GetEnvironmentVariable(Variable));

    /// <summary>Null or empty is libtorch; "openblas" without the library is an error naming the package.</summary>
    public static CpuBlas Parse(string? value) => value?.Trim().ToLowerInvariant() switch
    {
        null or "" or "libtorch" => CpuBlas.LibTorch,
        "openblas" when OpenBlas.IsAvailable => CpuBlas.OpenBlas,
        "openblas" => throw new ArgumentException($"{Variable}=openblas: libopenblas.so.0 is not installed (Debian: apt-get install libopenblas0-pthread)"),
        _ => throw new ArgumentException($"{Variable}='{value}': expected libtorch or openblas"),
    };
}
