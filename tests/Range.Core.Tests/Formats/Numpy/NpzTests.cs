using System.IO.Compression;
using RangeOrleans.Core.Formats;
using RangeOrleans.Core.Formats.Numpy;

namespace RangeOrleans.Core.Tests.Formats.Numpy;

public class NpzTests
{
    private static readonly string DatabasePath = TestData.Fixture("satclip_l10/range_db.npz");

    [Fact]
    public void ReadsFixtureDatabaseShapes()
    {
        using var npz = NpzReader.Open(DatabasePath);
        Assert.Equal(new[] { "locs", "image_embeddings", "satclip_embeddings" }, npz.Names);
        Assert.True(npz.Contains("locs") && npz.Contains("locs.npy") && !npz.Contains("nope"));
        Assert.Equal(new long[] { 1000, 2 }, npz.Read("locs").Shape);
        Assert.Equal(new long[] { 1000, 256 }, npz.Read("satclip_embeddings.npy").Shape);
        Assert.Equal(new long[] { 1000, 512 }, npz.Read("image_embeddings").Shape);
    }

    [Fact]
    public void ReadsFixtureDatabaseValuesMatchingTheRawBytes()
    {
        using var npz = NpzReader.Open(DatabasePath);
        // Expected values decoded from each member's payload with python3 zipfile + struct.unpack('<d', ...).
        var locs = (double[])npz.Read("locs").Data;
        Assert.Equal(159.43192321433418, locs[0]);
        Assert.Equal(-7.13674861216567, locs[1]);
        Assert.Equal(53.24217554081513, locs[^1]);
        var keys = (double[])npz.Read("satclip_embeddings").Data;
        Assert.Equal(-0.4493733959966036, keys[0]);
        Assert.Equal(-0.6410589313774089, keys[^1]);
        var values = (double[])npz.Read("image_embeddings").Data;
        Assert.Equal(2.54148924745601, values[1]);
        Assert.Equal(-2.0371613805058, values[^1]);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void RoundTripsStoredAndDeflatedArchives(bool compressed)
    {
        using var dir = new TempDir();
        var path = dir.File("x.npz");
        var a = new HostTensor(TensorDType.Float64, [3, 2], new double[] { 1, 2, 3, 4, 5, 6 });
        var b = new HostTensor(TensorDType.Int64, [1000], new long[1000]);
        NpzWriter.Write(path, new Dictionary<string, HostTensor> { ["a"] = a, ["b"] = b }, compressed);

        using (var zip = ZipFile.OpenRead(path))
        {
            var entry = zip.GetEntry("b.npy")!;
            Assert.Equal(compressed, entry.CompressedLength < entry.Length);
        }
        using var npz = NpzReader.Open(path);
        Assert.Equal(new[] { "a", "b" }, npz.Names);
        Assert.Equal(a.Data, npz.Read("a").Data);
        Assert.Equal(b.Data, npz.Read("b").Data);
        Assert.Single(Directory.GetFiles(dir.Path));
    }

    [Fact]
    public void ReadsDeflatedMembersWrittenByAnotherZipWriter()
    {
        using var dir = new TempDir();
        var path = dir.File("deflated.npz");
        using (var zip = ZipFile.Open(path, ZipArchiveMode.Create))
        {
            using var s = zip.CreateEntry("m.npy", CompressionLevel.SmallestSize).Open();
            // A Fortran-order member inside a deflated archive: both paths at once.
            s.Write(NpyBytes.Build("{'descr': '<i4', 'fortran_order': True, 'shape': (2, 2), }", NpyBytes.Int32LittleEndian(1, 3, 2, 4)));
        }
        using var npz = NpzReader.Open(path);
        Assert.Equal(new[] { 1, 2, 3, 4 }, (int[])npz.Read("m").Data);
    }

    [Fact]
    public void TruncatedArchiveIsAFormatErrorNamingTheFile()
    {
        using var dir = new TempDir();
        var path = dir.File("truncated.npz");
        var bytes = File.ReadAllBytes(DatabasePath);
        File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);
        var e = Assert.Throws<RangeFormatException>(() => NpzReader.Open(path));
        Assert.Equal(path, e.Source);
    }

    [Fact]
    public void BadMemberErrorsNameFileAndMember()
    {
        using var dir = new TempDir();
        var path = dir.File("bad.npz");
        using (var zip = ZipFile.Open(path, ZipArchiveMode.Create))
        {
            using var s = zip.CreateEntry("m.npy").Open();
            s.Write(NpyBytes.Build("{'descr': '<i4', 'fortran_order': False, 'shape': (5,), }", NpyBytes.Int32LittleEndian(1)));
        }
        using var npz = NpzReader.Open(path);
        var e = Assert.Throws<RangeFormatException>(() => npz.Read("m"));
        Assert.Equal(path + ":m.npy", e.Source);
        Assert.Equal(path + ":other.npy", Assert.Throws<RangeFormatException>(() => npz.Read("other")).Source);
    }

    [Fact]
    public void UncommittedNpzWriterLeavesNoFile()
    {
        using var dir = new TempDir();
        using (var writer = new NpzWriter(dir.File("x.npz")))
            writer.Add("a", new HostTensor(TensorDType.Float32, [1], new[] { 1f }));
        Assert.Empty(Directory.GetFiles(dir.Path));
    }
}
