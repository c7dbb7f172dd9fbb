using RangeOrleans.Core.Formats;
using RangeOrleans.Core.Formats.Numpy;

namespace RangeOrleans.Core.Tests.Formats.Numpy;

public class NpyWriterTests
{
    [Fact]
    public void WritesTheSameHeaderAsNumpy()
    {
        // The fixture was written by numpy; its first 128 bytes are magic, version, length and the padded dict.
        using var zip = System.IO.Compression.ZipFile.OpenRead(TestData.Fixture("satclip_l10/range_db.npz"));
        using var member = zip.GetEntry("locs.npy")!.Open();
        var numpyPreamble = new byte[128];
        member.ReadExactly(numpyPreamble);
        Assert.Equal(numpyPreamble, NpyWriter.Preamble("<f8", [1000, 2]));
    }

    [Fact]
    public void RoundTripsFloat64Float32AndInt64()
    {
        using var dir = new TempDir();
        var tensors = new[]
        {
            new HostTensor(TensorDType.Float64, [2, 3], new[] { 1.0, -2.5, double.MaxValue, double.Epsilon, 0.0, -0.0 }),
            new HostTensor(TensorDType.Float32, [4], new[] { 1f, float.NaN, float.NegativeInfinity, 3.25f }),
            new HostTensor(TensorDType.Int64, [1, 1, 2], new[] { long.MinValue, long.MaxValue }),
            new HostTensor(TensorDType.Float64, [], new[] { 7.0 }),
        };
        for (int i = 0; i < tensors.Length; i++)
        {
            var path = dir.File($"a{i}.npy");
            NpyWriter.Write(path, tensors[i]);
            Assert.Equal(0, (new FileInfo(path).Length - tensors[i].ElementCount * tensors[i].DType.ElementSize()) % 64);
            var back = NpyReader.Read(path);
            Assert.Equal(tensors[i].DType, back.DType);
            Assert.Equal(tensors[i].Shape, back.Shape);
            Assert.Equal(tensors[i].Data, back.Data);
        }
        Assert.Equal(4, Directory.GetFiles(dir.Path).Length); // no temporary files left
    }

    [Fact]
    public void RefusesTypesItDoesNotWrite()
    {
        var t = new HostTensor(TensorDType.Int32, [1], new[] { 1 });
        Assert.Throws<ArgumentException>(() => NpyWriter.Write(new MemoryStream(), t));
    }
}
