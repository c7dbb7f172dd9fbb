using Apache.Arrow.Ipc;
using RangeOrleans.Core.Banks;
using RangeOrleans.Core.Formats;
using RangeOrleans.Core.Formats.Arrow;
using RangeOrleans.Core.Jobs;
using RangeOrleans.Core.Points;
using RangeOrleans.Core.Tests.Banks;

namespace RangeOrleans.Core.Tests.Formats.Arrow;

/// <summary>
/// Arrow IPC files and streams whose record batches declare LZ4 or ZSTD body compression are refused by
/// every reader with a <see cref="RangeFormatException"/> naming the file and the codec: Apache.Arrow 23
/// decompresses only through a codec factory from a package this project does not ship (without one it
/// threw a bare System.Exception mid-read, which no reader turned into a clear error).
/// </summary>
public sealed class CompressedArrowTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    public static TheoryData<CompressionCodecType, bool> Cases => new()
    {
        { CompressionCodecType.Lz4Frame, true },
        { CompressionCodecType.Lz4Frame, false },
        { CompressionCodecType.Zstd, true },
        { CompressionCodecType.Zstd, false },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void CompressedPointFilesAndStreamsAreRefusedNamingTheFileAndCodec(CompressionCodecType codec, bool fileFormat)
    {
        var path = Saved(CompressedArrow.Rewrite(CraftedArrowFiles.LonLat(rows: 7, fileFormat), codec, fileFormat), fileFormat ? "points.arrow" : "points.arrows");

        var e = Assert.Throws<RangeFormatException>(() => PointsReader.Read(path));

        AssertNamesCompression(e, path, codec);
    }

    [Theory]
    [InlineData(CompressionCodecType.Lz4Frame)]
    [InlineData(CompressionCodecType.Zstd)]
    public void CompressedBankEmbeddingAndShardPointFilesAreRefused(CompressionCodecType codec)
    {
        var bank = new MemoryStream();
        ArrowBankFile.Write(BankSamples.Make(5), bank);
        var bankBytes = CompressedArrow.Rewrite(bank.ToArray(), codec, fileFormat: true);
        AssertNamesCompression(Assert.Throws<RangeFormatException>(() => ArrowBankFile.Read(new MemoryStream(bankBytes), "bank.arrow")), "bank.arrow", codec);

        var embeddings = new MemoryStream();
        using (var writer = new EmbeddingArrowWriter(embeddings, dimension: 4))
        {
            writer.WriteBatch([1.0, 2.0], [3.0, 4.0], new float[8]);
            writer.Commit();
        }
        var embeddingPath = Saved(CompressedArrow.Rewrite(embeddings.ToArray(), codec, fileFormat: true), "embeddings.arrow");
        AssertNamesCompression(Assert.Throws<RangeFormatException>(() => EmbeddingArrowReader.ReadAll(embeddingPath)), embeddingPath, codec);

        var points = new MemoryStream();
        PointsArrowFile.Write(points, new PointSet([1.0, 2.0], [3.0, 4.0]));
        var pointBytes = CompressedArrow.Rewrite(points.ToArray(), codec, fileFormat: true);
        AssertNamesCompression(Assert.Throws<RangeFormatException>(() => PointsArrowFile.Read(new MemoryStream(pointBytes), "_work/points/t+000+00.arrow")),
            "_work/points/t+000+00.arrow", codec);
    }

    [Fact]
    public void TheSameDataUncompressedIsRead()
    {
        // The rewrite itself is faithful: without a codec it gives a file every reader takes.
        var path = Saved(CompressedArrow.Rewrite(CraftedArrowFiles.LonLat(rows: 7, fileFormat: true), codec: null, fileFormat: true), "plain.arrow");

        Assert.Equal(7, PointsReader.Read(path).Count);
    }

    private static void AssertNamesCompression(RangeFormatException e, string source, CompressionCodecType codec)
    {
        Assert.Equal(source, e.Source);
        Assert.Contains($"compressed with {(codec == CompressionCodecType.Lz4Frame ? "LZ4_FRAME" : "ZSTD")}", e.Detail);
        Assert.Contains("compressed Arrow IPC data is not supported", e.Detail);
    }

    private string Saved(byte[] bytes, string name)
    {
        var path = _dir.File(name);
        File.WriteAllBytes(path, bytes);
        return path;
    }
}
