using Apache.Arrow;
using Apache.Arrow.Ipc;
using Apache.Arrow.Types;
using RangeOrleans.Core.Banks;
using RangeOrleans.Core.Formats;
using RangeOrleans.Core.Formats.Arrow;

namespace RangeOrleans.Core.Tests.Banks;

public class ArrowBankFileTests
{
    [Fact]
    public void ArrowBankRoundTripsBitExactly()
    {
        using var dir = new TempDir();
        var bank = RangeDatabaseNpz.Import(TestData.Fixture("satclip_l10/range_db.npz"));
        var path = dir.File("bank.arrow");
        ArrowBankFile.Write(bank, path, batchRows: 300); // 4 batches, the last one partial
        BankSamples.AssertSameContent(bank, ArrowBankFile.Read(path));
        Assert.Single(Directory.GetFiles(dir.Path));
    }

    [Fact]
    public void AFloat16BankStoresHalfTheBytesAndReadsBackTheRoundedValuesWithAMatchingChecksum()
    {
        using var dir = new TempDir();
        var bank = RangeDatabaseNpz.Import(TestData.Fixture("satclip_l10/range_db.npz"));
        string full = dir.File("full.arrow"), half = dir.File("half.arrow");
        ArrowBankFile.Write(bank, full);
        ArrowBankFile.Write(bank, half, precision: EmbeddingPrecision.Float16);

        var read = ArrowBankFile.Read(half);
        BankSamples.AssertSameContent(bank.RoundedToHalf(), read);
        Assert.True(new FileInfo(half).Length < 0.6 * new FileInfo(full).Length);
        for (int i = 0; i < bank.Values.Length; i++)
            Assert.True(Math.Abs(read.Values[i] - bank.Values[i]) <= 1e-3 * Math.Max(1, Math.Abs(bank.Values[i])), $"value {i}");
        using var reader = new ArrowFileReader(File.OpenRead(half));
        var value = Assert.IsType<FixedSizeListType>(reader.Schema.GetFieldByName("value").DataType);
        Assert.IsType<HalfFloatType>(value.ValueDataType);
    }

    [Fact]
    public async Task WritesTheDocumentedSchemaAndMetadata()
    {
        var bank = BankSamples.Make(5, keyDim: 4, valueDim: 6);
        var stream = new MemoryStream();
        ArrowBankFile.Write(bank, stream, batchRows: 2);
        stream.Position = 0;
        using var reader = new ArrowFileReader(stream);
        var schema = reader.Schema;
        Assert.Equal(new[] { "lon", "lat", "key", "value" }, schema.FieldsList.Select(f => f.Name));
        Assert.IsType<DoubleType>(schema.GetFieldByName("lat").DataType);
        var key = Assert.IsType<FixedSizeListType>(schema.GetFieldByName("key").DataType);
        Assert.Equal(4, key.ListSize);
        Assert.IsType<FloatType>(key.ValueDataType);
        Assert.Equal("1", schema.Metadata["range.bank.format"]);
        Assert.Equal("4", schema.Metadata["range.bank.key_dim"]);
        Assert.Equal("6", schema.Metadata["range.bank.value_dim"]);
        Assert.Equal("5", schema.Metadata["range.bank.count"]);
        Assert.Equal(bank.Info.Sha256, schema.Metadata["range.bank.sha256"]);
        Assert.Equal("sample", schema.Metadata["range.bank.source"]);
        Assert.Equal(3, await reader.RecordBatchCountAsync());
    }

    [Fact]
    public void RefusesTamperedContentWithChecksumMismatch()
    {
        var bank = new FeatureBank([1, 2], [3, 4], [0.5f, 12345.678f], 1, [7f, 8f], 1);
        var stream = new MemoryStream();
        ArrowBankFile.Write(bank, stream);
        var bytes = stream.ToArray();
        var marker = BitConverter.GetBytes(12345.678f);
        int at = bytes.AsSpan().IndexOf(marker);
        Assert.True(at > 0);
        BitConverter.GetBytes(1.0f).CopyTo(bytes, at);
        var e = Assert.Throws<RangeFormatException>(() => ArrowBankFile.Read(new MemoryStream(bytes), "tampered.arrow"));
        Assert.Contains("checksum mismatch", e.Message);
        Assert.Equal("tampered.arrow", e.Source);
    }

    [Fact]
    public void RefusesMissingColumnNamingIt()
    {
        var bytes = WriteCustomFile(includeValue: false, keyItemType: FloatType.Default);
        var e = Assert.Throws<RangeFormatException>(() => ArrowBankFile.Read(new MemoryStream(bytes), "x.arrow"));
        Assert.Contains("missing column 'value'", e.Message);
    }

    [Fact]
    public void RefusesWrongColumnTypeNamingIt()
    {
        var bytes = WriteCustomFile(includeValue: true, keyItemType: DoubleType.Default);
        var e = Assert.Throws<RangeFormatException>(() => ArrowBankFile.Read(new MemoryStream(bytes), "x.arrow"));
        Assert.Contains("column 'key'", e.Message);
    }

    [Fact]
    public void RefusesFilesThatAreNotArrowBanks()
    {
        var e = Assert.Throws<RangeFormatException>(() => ArrowBankFile.Read(new MemoryStream("hello, not arrow"u8.ToArray()), "junk.arrow"));
        Assert.Equal("junk.arrow", e.Source);
        var stream = new MemoryStream();
        ArrowBankFile.Write(BankSamples.Make(3), stream);
        var truncated = stream.ToArray()[..(int)(stream.Length - 20)];
        Assert.Throws<RangeFormatException>(() => ArrowBankFile.Read(new MemoryStream(truncated), "cut.arrow"));
    }

    [Fact]
    public void LoadDispatchesOnContent()
    {
        using var dir = new TempDir();
        var bank = BankSamples.Make(4);
        var arrowPath = dir.File("bank.bin"); // extension says nothing: the ARROW1 magic decides
        ArrowBankFile.Write(bank, arrowPath);
        BankSamples.AssertSameContent(bank, FeatureBank.Load(arrowPath));
        var npzPath = dir.File("db.data");
        RangeDatabaseNpz.Export(bank, npzPath);
        BankSamples.AssertSameContent(bank, FeatureBank.Load(npzPath));
        var textPath = dir.File("notes.txt");
        File.WriteAllText(textPath, "lon,lat\n");
        Assert.Contains("unrecognised", Assert.Throws<RangeFormatException>(() => FeatureBank.Load(textPath)).Message);
    }

    // A one-row file with bank metadata but a schema the reader must refuse.
    private static byte[] WriteCustomFile(bool includeValue, IArrowType keyItemType)
    {
        var fields = new List<Field>
        {
            new("lon", DoubleType.Default, false),
            new("lat", DoubleType.Default, false),
            new("key", new FixedSizeListType(new Field("item", keyItemType, false), 1), false),
        };
        if (includeValue) fields.Add(new("value", new FixedSizeListType(new Field("item", FloatType.Default, false), 1), false));
        var metadata = new Dictionary<string, string>
        {
            ["range.bank.format"] = "1", ["range.bank.key_dim"] = "1", ["range.bank.value_dim"] = "1", ["range.bank.count"] = "1",
        };
        var schema = new Schema(fields, metadata);
        var stream = new MemoryStream();
        using (var writer = new ArrowFileWriter(stream, schema, leaveOpen: true))
        {
            writer.WriteStart();
            writer.WriteEnd();
        }
        return stream.ToArray();
    }
}
