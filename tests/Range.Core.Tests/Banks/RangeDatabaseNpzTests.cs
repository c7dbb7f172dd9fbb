using RangeOrleans.Core.Banks;
using RangeOrleans.Core.Formats;
using RangeOrleans.Core.Formats.Numpy;

namespace RangeOrleans.Core.Tests.Banks;

public class RangeDatabaseNpzTests
{
    [Fact]
    public void ImportsFixtureDatabase()
    {
        var path = TestData.Fixture("satclip_l10/range_db.npz");
        var bank = RangeDatabaseNpz.Import(path);
        Assert.Equal(1000, bank.Count);
        Assert.Equal(256, bank.KeyDim);
        Assert.Equal(512, bank.ValueDim);
        Assert.Equal(path, bank.Info.Source);
        // Values decoded from the raw member bytes with python3 zipfile + struct.unpack('<d', ...).
        Assert.Equal(159.43192321433418, bank.Lon[0]);
        Assert.Equal(-7.13674861216567, bank.Lat[0]);
        Assert.Equal(-54.977791732976996, bank.Lon[1]);
        Assert.Equal(53.24217554081513, bank.Lat[999]);
        Assert.Equal((float)-0.4493733959966036, bank.Keys[0]);
        Assert.Equal((float)-0.6410589313774089, bank.Keys[^1]);
        Assert.Equal((float)2.54148924745601, bank.Values[1]);
        Assert.Equal((float)-2.0371613805058, bank.Values[^1]);
    }

    [Fact]
    public void ExportThenImportKeepsTheContent()
    {
        using var dir = new TempDir();
        var bank = BankSamples.Make(20);
        var path = dir.File("db.npz");
        RangeDatabaseNpz.Export(bank, path);
        using (var npz = NpzReader.Open(path))
        {
            Assert.Equal(new[] { "locs", "image_embeddings", "satclip_embeddings" }, npz.Names);
            Assert.Equal(TensorDType.Float64, npz.Read("locs").DType);
        }
        BankSamples.AssertSameContent(bank, RangeDatabaseNpz.Import(path));
    }

    [Fact]
    public void ImportsFloat32Members()
    {
        using var dir = new TempDir();
        var path = dir.File("f32.npz");
        NpzWriter.Write(path, new Dictionary<string, HostTensor>
        {
            ["locs"] = new(TensorDType.Float32, [2, 2], new[] { 1f, 2f, -3f, -4f }),
            ["satclip_embeddings"] = new(TensorDType.Float32, [2, 1], new[] { 0.5f, 0.25f }),
            ["image_embeddings"] = new(TensorDType.Float64, [2, 3], new double[] { 1, 2, 3, 4, 5, 6 }),
        });
        var bank = RangeDatabaseNpz.Import(path);
        Assert.Equal(new[] { 1.0, -3.0 }, bank.Lon);
        Assert.Equal(new[] { 2.0, -4.0 }, bank.Lat);
        Assert.Equal(new[] { 0.5f, 0.25f }, bank.Keys);
        Assert.Equal(3, bank.ValueDim);
    }

    [Theory]
    [InlineData(3, 2, 2, 3, "satclip_embeddings.npy")] // 3 locations, 2 keys
    [InlineData(3, 3, 3, 3, "locs.npy")]               // locs has 3 columns
    [InlineData(2, 2, 2, 3, "image_embeddings.npy")]   // 2 locations, 3 values
    public void RefusesInconsistentShapesNamingTheMember(int locRows, int locCols, int keyRows, int valueRows, string member)
    {
        using var dir = new TempDir();
        var path = dir.File("bad.npz");
        NpzWriter.Write(path, new Dictionary<string, HostTensor>
        {
            ["locs"] = new(TensorDType.Float64, [locRows, locCols], new double[locRows * locCols]),
            ["satclip_embeddings"] = new(TensorDType.Float64, [keyRows, 4], new double[keyRows * 4]),
            ["image_embeddings"] = new(TensorDType.Float64, [valueRows, 4], new double[valueRows * 4]),
        });
        var e = Assert.Throws<RangeFormatException>(() => RangeDatabaseNpz.Import(path));
        Assert.Equal($"{path}:{member}", e.Source);
    }

    [Fact]
    public void RefusesMissingMemberNamingIt()
    {
        using var dir = new TempDir();
        var path = dir.File("partial.npz");
        NpzWriter.Write(path, new Dictionary<string, HostTensor> { ["locs"] = new(TensorDType.Float64, [1, 2], new double[2]) });
        var e = Assert.Throws<RangeFormatException>(() => RangeDatabaseNpz.Import(path));
        Assert.Equal($"{path}:satclip_embeddings.npy", e.Source);
    }
}
