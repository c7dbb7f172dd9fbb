using RangeOrleans.Core.Embedding;
using RangeOrleans.Core.Retrieval;
using TorchSharp;
using static TorchSharp.torch;

namespace RangeOrleans.Core.Tests.Embedding;

/// <summary>
/// The embedders' device path without a GPU. On libtorch's meta device every operation runs on shapes only and a
/// tensor left on the CPU raises, as it would against CUDA: so these prove that the loader puts weights and bank on
/// the asked device and that every input is built there. Run on the CPU, the same path proves its arithmetic equals
/// the CPU's fused kernel. What only a GPU proves: CUDA's own kernels and speed (scripts/gpu-check.sh).
/// </summary>
public sealed class EmbedderDeviceTests
{
    private static readonly double[] Lon = [-170.5, -20.25, 0.0, 33.3, 151.2, 179.9, 12.0];
    private static readonly double[] Lat = [-80.0, -12.5, 0.0, 45.0, -33.9, 89.0, 51.5];

    private static ILocationEmbedder Load(string model, string device)
    {
        var kind = EmbeddingModelNames.Parse(model);
        return EmbedderLoader.Load(new EmbedderSpec(TestData.Sample("satclip_l10_fixture.ckpt"), kind)
        {
            BankPath = kind.NeedsBank() ? TestData.Sample("range_db_fixture.npz") : null,
            Device = device,
        });
    }

    private static Tensor EmbedOnDevice(ILocationEmbedder embedder) => embedder switch
    {
        SatClipEmbedder s => s.EmbedOnDevice(Lon, Lat),
        RangeEmbedder r => r.EmbedOnDevice(Lon, Lat),
        _ => throw new ArgumentException($"{embedder.Model} has no device path"),
    };

    [Theory]
    [InlineData("satclip")]
    [InlineData("range")]
    [InlineData("range+")]
    public void LoadedOnTheMetaDeviceAnEmbedderRunsEveryOperationThere(string model)
    {
        using var embedder = Load(model, "meta");
        using var rows = EmbedOnDevice(embedder);
        Assert.Equal(DeviceType.META, rows.device_type);
        Assert.Equal(ScalarType.Float32, rows.dtype);
        Assert.Equal([(long)Lon.Length, embedder.Dimension], rows.shape);
    }

    [Theory]
    [InlineData("satclip")]
    [InlineData("range")]
    [InlineData("range+")]
    public void TheDevicePathRunOnTheCpuGivesTheCpuPathsEmbeddings(string model)
    {
        using var embedder = Load(model, "cpu");
        var expected = new float[Lon.Length * embedder.Dimension];
        embedder.Embed(Lon, Lat, expected);
        using var rows = EmbedOnDevice(embedder);
        var actual = rows.contiguous().data<float>().ToArray();
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-4, $"{model}: value {i} is {actual[i]} on the device path, {expected[i]} on the CPU path");
    }

    public static TheoryData<string> Selections => new() { "soft", "soft+", "soft+threshold", "top1", "topk" };

    [Theory]
    [MemberData(nameof(Selections))]
    public void ARetrieverOnTheMetaDeviceRetrievesThere(string variant)
    {
        var meta = new Device(DeviceType.META);
        const int n = 40, keyDim = 8, valueDim = 5, c = 6;
        var rng = new Random(3);
        var keys = Enumerable.Range(0, n * keyDim).Select(_ => (float)rng.NextDouble()).ToArray();
        var values = Enumerable.Range(0, n * valueDim).Select(_ => (float)rng.NextDouble()).ToArray();
        var lon = Enumerable.Range(0, n).Select(i => i * 9.0 - 180).ToArray();
        var lat = Enumerable.Range(0, n).Select(i => i * 4.0 - 80).ToArray();
        using var retriever = new RangeRetriever(keys, keyDim, values, valueDim, lon, lat, meta);
        var options = (variant.StartsWith("soft+", StringComparison.Ordinal) ? RetrievalOptions.RangePlus() : RetrievalOptions.Range()) with
        {
            Selection = variant switch { "top1" => RetrievalSelection.Top1, "topk" => RetrievalSelection.TopK, _ => RetrievalSelection.Soft },
            TopK = 4,
            AngularThresholdDegrees = variant == "soft+threshold" ? 30 : null,
        };
        using var q = empty(c, keyDim, device: meta);
        using var u = empty(c, 3, device: meta);
        using var h = retriever.Retrieve(q, options.Spatial ? u : null, options);
        Assert.Equal(DeviceType.META, h.device_type);
        Assert.Equal([(long)c, valueDim], h.shape);
    }

    [Fact]
    public void MetaIsADeviceSpecAndAnUnknownOneIsNamed()
    {
        Assert.Equal(DeviceType.META, ComputeDevice.Parse("meta").type);
        var error = Assert.Throws<ArgumentException>(() => ComputeDevice.Parse("tpu"));
        Assert.Contains("'tpu'", error.Message);
    }
}
