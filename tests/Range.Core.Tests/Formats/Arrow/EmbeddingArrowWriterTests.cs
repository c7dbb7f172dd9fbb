using Apache.Arrow;
using Apache.Arrow.Ipc;
using Apache.Arrow.Types;
using RangeOrleans.Core.Formats;
using RangeOrleans.Core.Formats.Arrow;

namespace RangeOrleans.Core.Tests.Formats.Arrow;

public sealed class EmbeddingArrowWriterTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private static float[] Embeddings(int rows, int dim) =>
        Enumerable.Range(0, rows * dim).Select(i => MathF.Sin(i) * 3.7f).ToArray();

    [Fact]
    public void CommittedFileRoundTripsExactlyAcrossBatches()
    {
        var path = _dir.File("out.arrow");
        var emb = Embeddings(5, 3);
        double[] lon = [1, 2, 3, 4, 5], lat = [-1, -2, -3, -4, -5];
        var meta = new Dictionary<string, string> { ["model"] = "satclip-l10" };
        using (var writer = new EmbeddingArrowWriter(path, 3, metadata: meta))
        {
            writer.WriteBatch(lon.AsSpan(0, 2), lat.AsSpan(0, 2), emb.AsSpan(0, 6));
            writer.WriteBatch(lon.AsSpan(2), lat.AsSpan(2), emb.AsSpan(6));
            Assert.False(File.Exists(path)); // not visible before Commit
            Assert.Equal(5, writer.RowsWritten);
            writer.Commit();
        }
        var (rLon, rLat, rEmb, dim) = EmbeddingArrowReader.ReadAll(path);
        Assert.Equal(3, dim);
        Assert.Equal(lon, rLon);
        Assert.Equal(lat, rLat);
        Assert.Equal(emb, rEmb);
        Assert.Equal("satclip-l10", EmbeddingArrowReader.ReadAll(path).Metadata["model"]);
        Assert.Single(Directory.GetFiles(_dir.Path));
    }

    [Fact]
    public void WritesTheDocumentedSchema()
    {
        var stream = new MemoryStream();
        using (var writer = new EmbeddingArrowWriter(stream, 4))
        {
            writer.WriteBatch([0.5], [0.25], [1, 2, 3, 4]);
            writer.Commit();
        }
        stream.Position = 0;
        using var reader = new ArrowFileReader(stream);
        var fields = reader.Schema.FieldsList;
        Assert.Equal(new[] { "lon", "lat", "embedding" }, fields.Select(f => f.Name));
        Assert.IsType<DoubleType>(fields[0].DataType);
        var list = Assert.IsType<FixedSizeListType>(fields[2].DataType);
        Assert.Equal(4, list.ListSize);
        Assert.Equal("item", list.ValueField.Name);
        Assert.False(list.ValueField.IsNullable);
        Assert.IsType<FloatType>(list.ValueDataType);
        var batch = reader.ReadNextRecordBatch();
        var values = (FloatArray)((FixedSizeListArray)batch.Column(2)).Values;
        Assert.Equal(new float[] { 1, 2, 3, 4 }, values.Values.ToArray());
    }

    [Fact]
    public void UncommittedEmbeddingWriterLeavesNoFile()
    {
        var path = _dir.File("out.arrow");
        using (var writer = new EmbeddingArrowWriter(path, 2))
            writer.WriteBatch([1], [2], [3, 4]);
        Assert.Empty(Directory.GetFiles(_dir.Path));
    }

    [Fact]
    public void FailureMidWayLeavesNoFile()
    {
        var path = _dir.File("out.arrow");
        Assert.Throws<ArgumentException>(() =>
        {
            using var writer = new EmbeddingArrowWriter(path, 2);
            writer.WriteBatch([1], [2], [3, 4]);
            writer.WriteBatch([1], [2], [3]); // wrong length
        });
        Assert.Empty(Directory.GetFiles(_dir.Path));
    }

    [Fact]
    public void CommitReplacesAnExistingTarget()
    {
        var path = _dir.File("out.arrow");
        File.WriteAllText(path, "old");
        using (var writer = new EmbeddingArrowWriter(path, 1))
        {
            writer.WriteBatch([1], [2], [3]);
            writer.Commit();
        }
        Assert.Equal(new float[] { 3 }, EmbeddingArrowReader.ReadAll(path).Embeddings);
    }

    [Fact]
    public void EmptyCommittedFileIsValid()
    {
        var path = _dir.File("empty.arrow");
        using (var writer = new EmbeddingArrowWriter(path, 8))
            writer.Commit();
        var read = EmbeddingArrowReader.ReadAll(path);
        Assert.Equal(0, read.Count);
        Assert.Equal(8, read.Dimension);
    }

    [Fact]
    public void Float16PrecisionStoresHalfFloats()
    {
        var path = _dir.File("half.arrow");
        var emb = Embeddings(3, 4);
        using (var writer = new EmbeddingArrowWriter(path, 4, EmbeddingPrecision.Float16))
        {
            writer.WriteBatch([1, 2, 3], [4, 5, 6], emb);
            writer.Commit();
        }
        var read = EmbeddingArrowReader.ReadAll(path);
        Assert.Equal(EmbeddingPrecision.Float16, read.Precision);
        Assert.Equal(emb.Select(x => (float)(Half)x), read.Embeddings);
        Assert.True(new FileInfo(path).Length > 0);
    }

    [Fact]
    public void ReaderRefusesFileWithoutEmbeddingColumn()
    {
        var path = _dir.File("other.arrow");
        var schema = new Schema([new Field("lon", DoubleType.Default, false), new Field("lat", DoubleType.Default, false)], null);
        using (var stream = File.Create(path))
        using (var writer = new ArrowFileWriter(stream, schema))
        {
            writer.WriteStart();
            writer.WriteEnd();
        }
        var e = Assert.Throws<RangeFormatException>(() => EmbeddingArrowReader.ReadAll(path));
        Assert.Contains("missing column 'embedding'", e.Message);
    }

    [Fact]
    public void WritesManyRowsAtAnyDimension()
    {
        var path = _dir.File("big.arrow");
        const int dim = 768, rows = 3000;
        var emb = Embeddings(rows, dim);
        var lon = Enumerable.Range(0, rows).Select(i => i * 0.1 - 150).ToArray();
        var lat = Enumerable.Range(0, rows).Select(i => i * 0.01 - 15).ToArray();
        using (var writer = new EmbeddingArrowWriter(path, dim))
        {
            for (int start = 0; start < rows; start += 1024)
            {
                int n = Math.Min(1024, rows - start);
                writer.WriteBatch(lon.AsSpan(start, n), lat.AsSpan(start, n), emb.AsSpan(start * dim, n * dim));
            }
            writer.Commit();
        }
        var read = EmbeddingArrowReader.ReadAll(path);
        Assert.Equal(emb, read.Embeddings);
        Assert.Equal(lat, read.Lat);
    }
}
