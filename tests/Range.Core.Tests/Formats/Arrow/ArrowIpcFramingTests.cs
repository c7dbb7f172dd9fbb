using RangeOrleans.Core.Banks;
using RangeOrleans.Core.Formats;
using RangeOrleans.Core.Formats.Arrow;
using RangeOrleans.Core.Points;
using RangeOrleans.Core.Tests.Banks;
using static RangeOrleans.Core.Tests.Formats.Arrow.CraftedArrowFiles;

namespace RangeOrleans.Core.Tests.Formats.Arrow;

/// <summary>
/// Arrow IPC inputs that declare sizes they do not hold are refused by the framing check, with the
/// file and byte offset named, before Apache.Arrow (or we) allocate anything of that size.
/// </summary>
public sealed class ArrowIpcFramingTests : IDisposable
{
    private const long SmallAllocation = 1 << 20;
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private static RangeFormatException RefusedCheaply(Action read)
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<RangeFormatException>(read);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allocated < SmallAllocation, $"allocated {allocated} bytes before refusing: {e.Message}");
        return e;
    }

    private string Saved(byte[] bytes, string name)
    {
        var path = _dir.File(name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private static string ArrowJsFile => TestData.Fixture("arrow-js/points_schema_in_footer.arrow");

    [Fact]
    public void AFileWithItsSchemaOnlyInTheFooterIsRead()
    {
        // Written by Apache Arrow JS tableToIPC(t, 'file'): a dictionary batch right after the magic, no schema message.
        var points = PointsReader.Read(ArrowJsFile);
        Assert.Equal(new[] { -122.4194, 2.3522, 139.6917, -58.3816, 0 }, points.Lon);
        Assert.Equal(new[] { 37.7749, 48.8566, 35.6895, -34.6037, 0 }, points.Lat);
    }

    [Fact]
    public void AFileWithItsSchemaOnlyInTheFooterKeepsItsOtherChecks()
    {
        var bytes = File.ReadAllBytes(ArrowJsFile);
        const int footer = 616, batch = 264; // from list_messages.py, see tests/fixtures/arrow-js/README.md
        int block = footer + bytes.AsSpan(footer).IndexOf(BitConverter.GetBytes((long)batch));
        var moved = (byte[])bytes.Clone();
        BitConverter.GetBytes(300L).CopyTo(moved, block);
        var e = RefusedCheaply(() => PointsReader.Read(Saved(moved, "moved.arrow")));
        Assert.Contains("record batch block 0 points to byte 300", e.Message);

        // The batch's body length made larger than the file.
        var longBody = (byte[])bytes.Clone();
        int bodyField = batch + bytes.AsSpan(batch, 64).IndexOf(BitConverter.GetBytes(104L));
        BitConverter.GetBytes(1L << 40).CopyTo(longBody, bodyField);
        Assert.Contains($"at byte {batch}", RefusedCheaply(() => PointsReader.Read(Saved(longBody, "long.arrow"))).Message);
    }

    [Fact]
    public void MetadataLengthOf2GBIsRefusedNamingTheMessageOffset()
    {
        var stream = new MemoryStream();
        ArrowBankFile.Write(BankSamples.Make(5), stream);
        var seed = stream.ToArray();
        var schema = Messages(seed)[0];
        var crafted = With(seed, schema.MetadataStart - 4, int.MaxValue, 4);

        var e = RefusedCheaply(() => ArrowBankFile.Read(new MemoryStream(crafted), "bank.arrow"));
        Assert.Equal("bank.arrow", e.Source);
        Assert.Equal($"malformed Arrow IPC data at byte {schema.Offset}: message metadata length 2147483647 exceeds the {seed.Length - 10 - FooterLength(seed) - schema.MetadataStart} bytes left", e.Detail);
    }

    [Fact]
    public void RecordBatchClaiming2To31RowsIsRefusedBeforeAnyArrayIsSized()
    {
        var seed = LonLat(rows: 7, fileFormat: true);
        var batch = FirstBatch(seed);
        var path = Saved(With(seed, Locate(seed, batch, MessageField.Rows), 1L << 31, 8), "points.arrow");

        var e = RefusedCheaply(() => PointsReader.Read(path));
        Assert.Equal(path, e.Source);
        Assert.Contains("record batch declares 2147483648 rows but its body of 112 bytes holds at most 896", e.Detail);
    }

    [Fact]
    public void StreamFormatIsCheckedTheSameWay()
    {
        var seed = LonLat(rows: 7, fileFormat: false);
        var batch = FirstBatch(seed);
        var path = Saved(With(seed, batch.MetadataStart - 4, int.MaxValue, 4), "points.arrows");

        var e = RefusedCheaply(() => PointsReader.Read(path));
        Assert.Contains($"at byte {batch.Offset}: message metadata length 2147483647 exceeds", e.Detail);
    }

    [Fact]
    public void VectorLongerThanTheMetadataIsRefused()
    {
        var seed = LonLat(rows: 7, fileFormat: true);
        var batch = FirstBatch(seed);
        int at = Locate(seed, batch, MessageField.NodesCount);

        var e = RefusedCheaply(() => ArrowColumns.OpenFileReader(new MemoryStream(With(seed, at, -1, 4)), "x.arrow", leaveOpen: false));
        Assert.StartsWith($"malformed Arrow IPC message at byte {at}: vector declares 4294967295 elements of 16 bytes", e.Detail);
    }

    [Fact]
    public void FooterBlockThatDoesNotStartABatchIsRefused()
    {
        var seed = LonLat(rows: 7, fileFormat: true);
        var crafted = With(seed, FirstFooterBlock(seed), FirstBatch(seed).MetadataStart + 16, 8);

        var e = RefusedCheaply(() => PointsReader.Read(Saved(crafted, "points.arrow")));
        Assert.Contains("record batch block 0 points to byte", e.Detail);
    }

    [Fact]
    public void FooterLengthLargerThanTheFileIsRefused()
    {
        var seed = LonLat(rows: 7, fileFormat: true);
        var e = RefusedCheaply(() => PointsReader.Read(Saved(With(seed, seed.Length - 10, int.MaxValue, 4), "points.arrow")));
        Assert.Contains($"at byte {seed.Length - 10}: footer length 2147483647 does not fit in a file of {seed.Length} bytes", e.Detail);
    }

    [Fact]
    public void EveryHostileVariantOfFileAndStreamIsRefused()
    {
        foreach (bool fileFormat in new[] { true, false })
        {
            var variants = HostileVariants(LonLat(rows: 7, fileFormat));
            Assert.True(variants.Count >= 10);
            foreach (var (bytes, how) in variants)
            {
                var e = Record.Exception(() => RefusedCheaply(() => PointsReader.Read(Saved(bytes, "hostile.arrow"))));
                Assert.True(e is null, $"{(fileFormat ? "file" : "stream")}, {how}: {e?.Message}");
            }
        }
    }

    [Fact]
    public void WellFormedFilesStreamsAndLegacyFramingPass()
    {
        Assert.Equal(7, PointsReader.Read(Saved(LonLat(7, fileFormat: true), "f.arrow")).Count);
        Assert.Equal(7, PointsReader.Read(Saved(LonLat(7, fileFormat: false), "s.arrows")).Count);
        Assert.Equal(7, PointsReader.Read(Saved(LonLat(7, fileFormat: true, legacyFraming: true), "legacy.arrow")).Count);
        var legacyStream = new MemoryStream(LonLat(7, fileFormat: false, legacyFraming: true));
        using var reader = ArrowColumns.OpenStreamReader(legacyStream, "legacy.arrows", leaveOpen: false);
        Assert.Equal(7, reader.ReadNextRecordBatch()!.Length);
    }

    [Fact]
    public void RefusedStreamIsDisposedUnlessLeftOpen()
    {
        var crafted = With(LonLat(3, fileFormat: true), 12, int.MaxValue, 4);
        var closing = new MemoryStream(crafted);
        Assert.Throws<RangeFormatException>(() => ArrowColumns.OpenFileReader(closing, "x", leaveOpen: false));
        Assert.False(closing.CanRead);
        var kept = new MemoryStream(crafted) { Position = 0 };
        Assert.Throws<RangeFormatException>(() => ArrowColumns.OpenFileReader(kept, "x", leaveOpen: true));
        Assert.True(kept.CanRead);
        Assert.Equal(0, kept.Position);
    }

    private static int FooterLength(byte[] file) => System.Buffers.Binary.BinaryPrimitives.ReadInt32LittleEndian(file.AsSpan(file.Length - 10));
}
