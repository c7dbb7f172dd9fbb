using System.IO.Compression;
using System.Text;
using RangeOrleans.Core.Formats;
using RangeOrleans.Core.Formats.Checkpoint;
using RangeOrleans.Core.Formats.Pickle;

namespace RangeOrleans.Core.Tests.Formats;

public sealed class TorchCheckpointWriterTests : IDisposable
{
    private static readonly string FixturePath = TestData.Fixture("satclip_l10/satclip.ckpt");

    private readonly string _dir = Directory.CreateTempSubdirectory("ckpt-writer-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static byte[] Member(string zipPath, string member)
    {
        using var zip = ZipFile.OpenRead(zipPath);
        using var s = zip.GetEntry(member)!.Open();
        var ms = new MemoryStream();
        s.CopyTo(ms);
        return ms.ToArray();
    }

    [Fact]
    public void WriterOutputRoundTripsThroughReader()
    {
        var w = new HostTensor(TensorDType.Float64, [2, 3], new double[] { 1, 2, 3, 4, 5, -6.5 });
        var state = new List<KeyValuePair<string, HostTensor>>
        {
            new("w", w),
            new("f32", new HostTensor(TensorDType.Float32, [3], new float[] { 0.5f, 1.5f, 2.5f })),
            new("scalar", new HostTensor(TensorDType.Float32, [], new float[] { 2.6592f })),
            new("half", new HostTensor(TensorDType.Float16, [2], new Half[] { (Half)1.5, (Half)(-2) })),
            new("bf16", new HostTensor(TensorDType.BFloat16, [1], new ushort[] { 0x3f80 })),
            new("steps", new HostTensor(TensorDType.Int64, [2], new long[] { long.MaxValue, -1 })),
            new("i32", new HostTensor(TensorDType.Int32, [1], new[] { -7 })),
            new("i8", new HostTensor(TensorDType.Int8, [1], new sbyte[] { -8 })),
            new("u8", new HostTensor(TensorDType.UInt8, [1], new byte[] { 200 })),
            new("mask", new HostTensor(TensorDType.Bool, [3], new[] { true, false, true })),
            new("empty", new HostTensor(TensorDType.Float64, [0, 4], Array.Empty<double>())),
            new("tied", w),
        };
        var hparams = new Dictionary<string, object?>
        {
            ["legendre_polys"] = 40,
            ["capacity"] = 512L,
            ["learning_rate"] = 1e-4,
            ["le_type"] = "sphericalharmonics",
            ["eval_downstream"] = false,
            ["nothing"] = null,
            ["layers"] = new List<object?> { 1, 2, "three" },
            ["betas"] = new PyTuple(0.9, 0.999),
            ["nested"] = new Dictionary<string, object?> { ["a"] = 1, ["b"] = new byte[] { 0, 255 } },
            ["huge"] = 1L << 40,
        };
        var extra = new Dictionary<string, object?> { ["epoch"] = 3, ["global_step"] = 97500, ["pytorch-lightning_version"] = "2.0.0" };
        string path = Path.Combine(_dir, "model.ckpt");

        TorchCheckpointWriter.Write(path, state, hparams, extra);
        var ckpt = TorchCheckpointReader.Read(path);

        Assert.Equal("model", ckpt.ArchiveName);
        Assert.Equal(state.Select(kv => kv.Key), ckpt.StateDict.Keys);
        foreach (var (name, expected) in state)
        {
            var actual = ckpt.StateDict[name];
            Assert.Equal(expected.DType, actual.DType);
            Assert.Equal(expected.Shape, actual.Shape);
            Assert.Equal(expected.Data, actual.Data);
        }
        Assert.Equal(40, ckpt.GetInt("legendre_polys"));
        Assert.Equal(512, ckpt.GetInt("capacity"));
        Assert.Equal(1e-4, ckpt.GetDouble("learning_rate"));
        Assert.Equal("sphericalharmonics", ckpt.GetString("le_type"));
        Assert.False(ckpt.GetBool("eval_downstream"));
        Assert.Null(ckpt.HyperParameters["nothing"]);
        Assert.Equal(new object?[] { 1L, 2L, "three" }, ((List<object?>)ckpt.HyperParameters["layers"]!).ToArray());
        Assert.Equal(0.999, ((PyTuple)ckpt.HyperParameters["betas"]!)[1]);
        var nested = (PyDict)ckpt.HyperParameters["nested"]!;
        Assert.Equal(new byte[] { 0, 255 }, nested["b"]);
        Assert.Equal(1L << 40, ckpt.GetLong("huge"));
        Assert.Equal(3L, ckpt.GetEntry("epoch"));
        Assert.Equal(97500L, ckpt.GetEntry("global_step"));
        var root = (PyDict)ckpt.Root!;
        Assert.Equal(new object?[] { "epoch", "global_step", "pytorch-lightning_version", "state_dict", "hyper_parameters" }, root.Keys.ToArray());
        Assert.Equal(PickleAllowList.OrderedDict, ((PyDict)root["state_dict"]!).ClassName);
        Assert.Equal(PickleAllowList.AttributeDictFabric, ((PyDict)root["hyper_parameters"]!).ClassName);
    }

    [Fact]
    public void WriterUsesTorchZipLayout()
    {
        string path = Path.Combine(_dir, "layout.ckpt");
        var t = new HostTensor(TensorDType.Float32, [2], new float[] { 1, 2 });
        TorchCheckpointWriter.Write(path, [new("a", t), new("b", t), new("c", new HostTensor(TensorDType.Float32, [1], new float[] { 3 }))]);

        using var zip = ZipFile.OpenRead(path);
        Assert.Equal(
            new[] { "layout/data.pkl", "layout/byteorder", "layout/data/0", "layout/data/1", "layout/version" },
            zip.Entries.Select(e => e.FullName).ToArray());
        Assert.All(zip.Entries, e => Assert.Equal(e.Length, e.CompressedLength)); // stored, like torch
        Assert.Equal("3\n", Encoding.ASCII.GetString(Member(path, "layout/version")));
        Assert.Equal("little", Encoding.ASCII.GetString(Member(path, "layout/byteorder")));
        Assert.Equal(8, zip.GetEntry("layout/data/0")!.Length); // a tensor used twice is stored once
        Assert.Equal([path], Directory.GetFiles(_dir)); // no temporary file left beside it
    }

    [Fact]
    public void WriterPickleMatchesTorchOpcodesByteForByte()
    {
        // Write the fixture's leading entries and location-encoder tensors; torch's pickle for the same
        // objects is the fixture's data.pkl up to where the next (image-encoder) key begins.
        var fixture = TorchCheckpointReader.Read(FixturePath);
        var location = fixture.StateDict.Where(kv => kv.Key.StartsWith("model.location.", StringComparison.Ordinal)).ToList();
        Assert.Equal(6, location.Count);
        var extra = new List<KeyValuePair<string, object?>>
        {
            new("epoch", fixture.GetEntry("epoch")),
            new("global_step", fixture.GetEntry("global_step")),
            new("pytorch-lightning_version", fixture.GetEntry("pytorch-lightning_version")),
        };
        string path = Path.Combine(_dir, "satclip.ckpt");
        TorchCheckpointWriter.Write(path, location, extraEntries: extra);

        var ours = Member(path, "satclip/data.pkl");
        var theirs = Member(FixturePath, "satclip/data.pkl");
        int nextKey = IndexOf(theirs, Encoding.ASCII.GetBytes("model.visual.")) - 5; // BINUNICODE opcode + length
        Assert.True(nextKey > 600, $"next key at {nextKey}");
        Assert.Equal(theirs[..nextKey], ours[..nextKey]);
        for (int i = 0; i < 6; i++)
            Assert.Equal(Member(FixturePath, $"satclip/data/{i}"), Member(path, $"satclip/data/{i}"));
    }

    [Fact]
    public void WriterRoundTripsFixtureStateDictAndHyperParameters()
    {
        var fixture = TorchCheckpointReader.Read(FixturePath);
        string path = Path.Combine(_dir, "copy.ckpt");
        TorchCheckpointWriter.Write(path, fixture.StateDict, fixture.HyperParameters);
        var copy = TorchCheckpointReader.Read(path);
        Assert.Equal(fixture.StateDict.Keys, copy.StateDict.Keys);
        foreach (var (name, t) in fixture.StateDict)
        {
            Assert.Equal(t.Shape, copy.StateDict[name].Shape);
            Assert.Equal(t.Data, copy.StateDict[name].Data);
        }
        Assert.Equal(fixture.HyperParameters.Keys, copy.HyperParameters.Keys);
        Assert.Equal(fixture.HyperParameters.Values, copy.HyperParameters.Values);
    }

    [Fact]
    public void FailedWriteLeavesNoFileBehind()
    {
        string path = Path.Combine(_dir, "bad.ckpt");
        var hparams = new Dictionary<string, object?> { ["unsupported"] = new object() };
        Assert.Throws<ArgumentException>(() => TorchCheckpointWriter.Write(path, [], hparams));
        Assert.Empty(Directory.GetFiles(_dir));
    }

    [Fact]
    public void WriterReplacesExistingFile()
    {
        string path = Path.Combine(_dir, "replace.ckpt");
        File.WriteAllText(path, "old");
        TorchCheckpointWriter.Write(path, [new("x", new HostTensor(TensorDType.Float64, [1], new[] { 9.0 }))]);
        Assert.Equal(new[] { 9.0 }, TorchCheckpointReader.Read(path).GetTensor("x").Data);
        Assert.Single(Directory.GetFiles(_dir));
    }

    private static int IndexOf(byte[] haystack, byte[] needle) => haystack.AsSpan().IndexOf(needle);
}
