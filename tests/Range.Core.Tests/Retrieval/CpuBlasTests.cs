using RangeOrleans.Core.Retrieval;

namespace RangeOrleans.Core.Tests.Retrieval;

/// <summary>
/// Soft retrieval's two products run in OpenBLAS (where installed; CI installs it with scripts/ci-services.sh) or in
/// libtorch's matmul: both must give the same embeddings up to float rounding (the sums run in another order).
/// </summary>
public sealed class CpuBlasTests
{
    [Theory]
    [InlineData(false, 37)]
    [InlineData(true, 37)]
    [InlineData(true, 1024)]
    public void OpenBlasAndLibTorchRetrieveTheSameWithinFloatRounding(bool spatial, int queries)
    {
        Assert.True(OpenBlas.IsAvailable, "libopenblas.so.0 is not installed: run scripts/ci-services.sh (apt-get install libopenblas0-pthread)");
        const int n = 3001, keyDim = 64, valueDim = 96;
        var rng = new Random(11);
        var keys = Enumerable.Range(0, n * keyDim).Select(_ => (float)(rng.NextDouble() - 0.5)).ToArray();
        var values = Enumerable.Range(0, n * valueDim).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
        var lon = Enumerable.Range(0, n).Select(_ => rng.NextDouble() * 360 - 180).ToArray();
        var lat = Enumerable.Range(0, n).Select(_ => rng.NextDouble() * 180 - 90).ToArray();
        var q = new float[queries * keyDim];
        for (int i = 0; i < queries; i++)
        {
            var row = q.AsSpan(i * keyDim, keyDim);
            for (int j = 0; j < keyDim; j++) row[j] = (float)(rng.NextDouble() - 0.5);
            float norm = MathF.Sqrt(System.Numerics.Tensors.TensorPrimitives.SumOfSquares(row));
            System.Numerics.Tensors.TensorPrimitives.Divide(row, norm, row);
        }
        var unit = new float[3 * queries];
        Geometry.UnitVectors.FromLonLat(
            Enumerable.Range(0, queries).Select(_ => rng.NextDouble() * 360 - 180).ToArray(),
            Enumerable.Range(0, queries).Select(_ => rng.NextDouble() * 180 - 90).ToArray(), unit);
        var options = spatial ? RetrievalOptions.RangePlus() : RetrievalOptions.Range();

        float[] Retrieve(CpuBlas blas)
        {
            using var retriever = new RangeRetriever(keys, keyDim, values, valueDim, lon, lat, blas: blas);
            Assert.Equal(blas, retriever.Blas);
            var h = new float[queries * valueDim];
            retriever.Retrieve(q, spatial ? unit : [], h, options);
            return h;
        }

        var viaOpenBlas = Retrieve(CpuBlas.OpenBlas);
        var viaLibTorch = Retrieve(CpuBlas.LibTorch);
        for (int i = 0; i < viaOpenBlas.Length; i++)
            Assert.True(Math.Abs(viaOpenBlas[i] - viaLibTorch[i]) <= 1e-5 + 1e-4 * Math.Abs(viaLibTorch[i]),
                $"value {i}: OpenBLAS {viaOpenBlas[i]}, libtorch {viaLibTorch[i]}");
        Assert.Contains(viaOpenBlas, v => v != 0);
    }

    [Fact]
    public void TheChoiceIsReadFromItsVariableAndABadOneIsNamed()
    {
        Assert.Equal(CpuBlas.LibTorch, CpuBlasChoice.Parse("libtorch"));
        Assert.Equal(CpuBlas.LibTorch, CpuBlasChoice.Parse(null)); // the batch-independent one (docs/reliability.md)
        Assert.Equal(CpuBlas.OpenBlas, CpuBlasChoice.Parse("OpenBLAS"));
        var error = Assert.Throws<ArgumentException>(() => CpuBlasChoice.Parse("mkl"));
        Assert.Contains("RANGE_BLAS='mkl'", error.Message);
    }
}
