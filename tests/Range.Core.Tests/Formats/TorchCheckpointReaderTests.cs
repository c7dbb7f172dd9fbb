using System.IO.Compression;
using System.Runtime.InteropServices;
using RangeOrleans.Core.Formats;
using RangeOrleans.Core.Formats.Checkpoint;
using RangeOrleans.Core.Formats.Pickle;

namespace RangeOrleans.Core.Tests.Formats;

public class TorchCheckpointReaderTests
{
    private static readonly string FixturePath = TestData.Fixture("satclip_l10/satclip.ckpt");

    internal static T[] RawBlob<T>(string zipPath, string member) where T : unmanaged
    {
        using var zip = ZipFile.OpenRead(zipPath);
        using var s = zip.GetEntry(member)!.Open();
        var ms = new MemoryStream();
        s.CopyTo(ms);
        return MemoryMarshal.Cast<byte, T>(ms.ToArray()).ToArray();
    }

    [Fact]
    public void ReadsFixtureStateDictWithExpectedShapes()
    {
        var ckpt = TorchCheckpointReader.Read(FixturePath);
        var expected = new (string Name, long[] Shape)[]
        {
            ("model.location.nnet.layers.0.weight", [256, 100]),
            ("model.location.nnet.layers.0.bias", [256]),
            ("model.location.nnet.layers.1.weight", [256, 256]),
            ("model.location.nnet.layers.1.bias", [256]),
            ("model.location.nnet.last_layer.weight", [256, 256]),
            ("model.location.nnet.last_layer.bias", [256]),
        };
        foreach (var (name, shape) in expected)
        {
            var t = ckpt.GetTensor(name);
            Assert.Equal(TensorDType.Float64, t.DType);
            Assert.Equal(shape, t.Shape);
            Assert.IsType<double[]>(t.Data);
        }
        Assert.Equal("satclip", ckpt.ArchiveName);
        Assert.Equal("model.location.nnet.layers.0.weight", ckpt.StateDict.Keys.First());
        Assert.Equal(TensorDType.Float32, ckpt.GetTensor("model.visual.fc.weight").DType);
        Assert.Empty(ckpt.GetTensor("model.logit_scale").Shape);
        Assert.Equal(1, ckpt.GetTensor("model.logit_scale").ElementCount);
    }

    [Fact]
    public void FixtureTensorValuesEqualRawStorageBlob()
    {
        var ckpt = TorchCheckpointReader.Read(FixturePath);
        var raw = RawBlob<double>(FixturePath, "satclip/data/0");
        Assert.Equal(raw, (double[])ckpt.GetTensor("model.location.nnet.layers.0.weight").Data);
    }

    [Fact]
    public void ReadsFixtureHyperParameters()
    {
        var ckpt = TorchCheckpointReader.Read(FixturePath);
        Assert.Equal(10, ckpt.GetInt("legendre_polys"));
        Assert.Equal(256, ckpt.GetInt("capacity"));
        Assert.Equal(2, ckpt.GetInt("num_hidden_layers"));
        Assert.Equal(256, ckpt.GetInt("embed_dim"));
        Assert.Equal("sphericalharmonics", ckpt.GetString("le_type"));
        Assert.Equal("siren", ckpt.GetString("pe_type"));
        Assert.Equal("analytic", ckpt.GetString("harmonics_calculation"));
        Assert.Equal(1e-4, ckpt.GetDouble("learning_rate"));
        Assert.True(ckpt.GetBool("eval_downstream"));
        Assert.Equal(7, ckpt.GetInt("missing_key", 7));
        var hp = Assert.IsType<PyDict>(((PyDict)ckpt.Root!)["hyper_parameters"]);
        Assert.Equal(PickleAllowList.AttributeDictFabric, hp.ClassName);
        var e = Assert.Throws<RangeFormatException>(() => ckpt.GetInt("le_type"));
        Assert.Contains("le_type", e.Message);
        Assert.Contains(FixturePath, e.Message);
    }

    [Fact]
    public void KeepsEntriesTheModelDoesNotNeedInRoot()
    {
        var ckpt = TorchCheckpointReader.Read(FixturePath);
        var root = Assert.IsType<PyDict>(ckpt.Root);
        Assert.Equal(499L, ckpt.GetEntry("epoch"));
        Assert.Equal(97500L, ckpt.GetEntry("global_step"));
        Assert.Equal("2.0.0", ckpt.GetEntry("pytorch-lightning_version"));
        Assert.Equal(PickleAllowList.OrderedDict, Assert.IsType<PyDict>(root["state_dict"]).ClassName);
        var optimizers = Assert.IsType<List<object?>>(root["optimizer_states"]);
        var adam = Assert.IsType<PyDict>(Assert.Single(optimizers));
        var state = Assert.IsType<PyDict>(adam["state"]);
        var state0 = Assert.IsType<PyDict>(state[0L]);
        Assert.Equal([256L, 100L], Assert.IsType<HostTensor>(state0["exp_avg"]).Shape);
        Assert.IsType<PyDict>(root["loops"]);
        Assert.IsType<PyDict>(root["callbacks"]);
    }

    [Fact]
    public void RebuildsNonContiguousViewFromSharedStorage()
    {
        var ckpt = TorchCheckpointReader.Read(FixturePath);
        var callbacks = (PyDict)((PyDict)ckpt.Root!)["callbacks"]!;
        var mc = (PyDict)callbacks.Values.First()!;
        var view = Assert.IsType<HostTensor>(mc["strided_view"]);
        var baseTensor = Assert.IsType<HostTensor>(mc["shared_base"]);

        // Both live in storage '17' (24 float32): the view is offset 1, size (5, 2), stride (1, 12);
        // the base is offset 0, size (4, 6), stride (6, 1).
        var raw = RawBlob<float>(FixturePath, "satclip/data/17");
        Assert.Equal(24, raw.Length);
        Assert.Equal(TensorDType.Float32, view.DType);
        Assert.Equal([5L, 2L], view.Shape);
        var v = (float[])view.Data;
        for (int i = 0; i < 5; i++)
        {
            for (int j = 0; j < 2; j++) Assert.Equal(raw[1 + i + 12 * j], v[i * 2 + j]);
        }
        Assert.Equal([4L, 6L], baseTensor.Shape);
        Assert.Equal(raw, (float[])baseTensor.Data);
    }

    [Fact]
    public void RefusesTruncatedCheckpoint()
    {
        var bytes = File.ReadAllBytes(FixturePath);
        foreach (int length in new[] { bytes.Length / 2, bytes.Length - 10, 100, 0 })
        {
            using var ms = new MemoryStream(bytes, 0, length);
            var e = Assert.Throws<RangeFormatException>(() => TorchCheckpointReader.Read(ms, "cut.ckpt"));
            Assert.Equal("cut.ckpt", e.Source);
        }
    }

    [Fact]
    public void RefusesZipWithCorruptDirectory()
    {
        var bytes = File.ReadAllBytes(FixturePath);
        var corrupt = (byte[])bytes.Clone();
        Array.Clear(corrupt, corrupt.Length - 22, 22); // wipe the end-of-central-directory record
        using var ms = new MemoryStream(corrupt);
        var e = Assert.Throws<RangeFormatException>(() => TorchCheckpointReader.Read(ms, "corrupt.ckpt"));
        Assert.Contains("corrupt.ckpt", e.Message);
    }

    [Fact]
    public void RefusesZipWithoutDataPkl()
    {
        using var ms = new MemoryStream();
        using (var zip = new ZipArchive(ms, ZipArchiveMode.Create, leaveOpen: true))
        {
            using var s = zip.CreateEntry("archive/data/0").Open();
            s.Write(new byte[8]);
        }
        ms.Position = 0;
        var e = Assert.Throws<RangeFormatException>(() => TorchCheckpointReader.Read(ms, "nopkl.ckpt"));
        Assert.Contains("data.pkl", e.Message);
        Assert.Equal("nopkl.ckpt", e.Source);
    }

    [Fact]
    public void RefusesZipWithTwoDataPkls()
    {
        using var ms = new MemoryStream();
        using (var zip = new ZipArchive(ms, ZipArchiveMode.Create, leaveOpen: true))
        {
            zip.CreateEntry("a/data.pkl");
            zip.CreateEntry("b/data.pkl");
        }
        ms.Position = 0;
        var e = Assert.Throws<RangeFormatException>(() => TorchCheckpointReader.Read(ms, "two.ckpt"));
        Assert.Contains("exactly one", e.Message);
    }

    // ----- crafted checkpoints: one float64 storage of 4 elements, one tensor view into it -----

    private static MemoryStream Crafted(long numel, long offset, long[] size, long[] stride, int blobBytes = 32, bool includeBlob = true)
    {
        var w = new PickleWriter();
        w.Proto();
        w.Global("torch._utils", "_rebuild_tensor_v2");
        w.Mark();
        w.Mark();
        w.String("storage");
        w.Global("torch", "DoubleStorage");
        w.String("0");
        w.String("cpu");
        w.Int(numel);
        w.EndTuple(5);
        w.BinPersId();
        w.Int(offset);
        if (size.Length > 3) w.Mark();
        foreach (var s in size) w.Int(s);
        w.EndTuple(size.Length);
        if (stride.Length > 3) w.Mark();
        foreach (var s in stride) w.Int(s);
        w.EndTuple(stride.Length);
        w.Bool(false);
        w.Global("collections", "OrderedDict");
        w.EmptyTuple();
        w.Reduce();
        w.EndTuple(6);
        w.Reduce();
        w.Stop();

        var ms = new MemoryStream();
        using (var zip = new ZipArchive(ms, ZipArchiveMode.Create, leaveOpen: true))
        {
            using (var s = zip.CreateEntry("t/data.pkl").Open()) s.Write(w.ToArray());
            if (includeBlob)
            {
                var blob = new byte[blobBytes];
                var values = MemoryMarshal.Cast<byte, double>(blob.AsSpan(0, blobBytes - blobBytes % 8));
                for (int i = 0; i < values.Length; i++) values[i] = i + 1;
                using var s = zip.CreateEntry("t/data/0").Open();
                s.Write(blob);
            }
        }
        ms.Position = 0;
        return ms;
    }

    [Fact]
    public void ReadsCraftedTensorAsRoot()
    {
        var ckpt = TorchCheckpointReader.Read(Crafted(4, 1, [3], [1]), "ok.ckpt");
        var t = Assert.IsType<HostTensor>(ckpt.Root);
        Assert.Equal(new double[] { 2, 3, 4 }, t.Data);
        Assert.Empty(ckpt.StateDict);
        Assert.Empty(ckpt.HyperParameters);
    }

    [Fact]
    public void ReadsTransposedAndBroadcastViews()
    {
        var transposed = (HostTensor)TorchCheckpointReader.Read(Crafted(4, 0, [2, 2], [1, 2]), "x").Root!;
        Assert.Equal(new double[] { 1, 3, 2, 4 }, transposed.Data);
        var expanded = (HostTensor)TorchCheckpointReader.Read(Crafted(4, 2, [3, 2], [0, 1]), "x").Root!;
        Assert.Equal(new double[] { 3, 4, 3, 4, 3, 4 }, expanded.Data);
    }

    [Theory]
    [InlineData(4L, 3L, new long[] { 2 }, new long[] { 1 }, "reaches element 4")]
    [InlineData(4L, 0L, new long[] { 2, 2 }, new long[] { 3, 1 }, "reaches element 4")]
    [InlineData(4L, -1L, new long[] { 1 }, new long[] { 1 }, "negative storage offset")]
    [InlineData(4L, 0L, new long[] { 2 }, new long[] { -1 }, "negative stride")]
    [InlineData(4L, 0L, new long[] { 1L << 40 }, new long[] { 0 }, "more than the limit")]
    [InlineData(4L, 0L, new long[] { 1L << 40, 1L << 40 }, new long[] { 0, 0 }, "overflows")]
    public void RefusesViewOutsideStorage(long numel, long offset, long[] size, long[] stride, string message)
    {
        var e = Assert.Throws<RangeFormatException>(() => TorchCheckpointReader.Read(Crafted(numel, offset, size, stride), "bad.ckpt"));
        Assert.Contains(message, e.Message);
        Assert.Equal("bad.ckpt", e.Source);
    }

    [Fact]
    public void RefusesStorageBlobOfWrongLength()
    {
        var e = Assert.Throws<RangeFormatException>(() => TorchCheckpointReader.Read(Crafted(4, 0, [4], [1], blobBytes: 24), "short.ckpt"));
        Assert.Contains("24 bytes", e.Message);
    }

    [Fact]
    public void RefusesMissingStorageBlob()
    {
        var e = Assert.Throws<RangeFormatException>(() => TorchCheckpointReader.Read(Crafted(4, 0, [4], [1], includeBlob: false), "noblob.ckpt"));
        Assert.Contains("t/data/0", e.Message);
        Assert.Contains("missing", e.Message);
    }

    [Fact]
    public void RefusesStorageClaimingTooManyElements()
    {
        // A huge numel is refused from the persistent id, before the blob length is even considered.
        var limits = new TorchCheckpointLimits { MaxElements = 1000 };
        var e = Assert.Throws<RangeFormatException>(() => TorchCheckpointReader.Read(Crafted(1L << 50, 0, [1], [1]), "huge.ckpt", limits));
        Assert.Contains("more than the limit", e.Message);
    }
}
