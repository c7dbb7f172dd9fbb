using Apache.Arrow.Ipc;
using Apache.Arrow.Types;

namespace RangeOrleans.Core.Formats.Arrow;

/// <summary>Reads a file written by <see cref="EmbeddingArrowWriter"/> back into memory (for tests and tools).</summary>
public static class EmbeddingArrowReader
{
    public static EmbeddingColumns ReadAll(string path)
    {
        FileStream stream;
        try { stream = File.OpenRead(path); }
        catch (IOException e) { throw new RangeFormatException(path, $"cannot open: {e.Message}", e); }
        using (stream)
        {
            try
            {
                using var reader = ArrowColumns.OpenFileReader(stream, path, leaveOpen: true);
                return Read(reader, path);
            }
            catch (Exception e) when (ArrowColumns.IsMalformedInput(e))
            {
                throw new RangeFormatException(path, $"not a readable Arrow IPC file: {e.Message}", e);
            }
        }
    }

    /// <summary>Reads a whole embedding file from a seekable <paramref name="stream"/> (left open); <paramref name="source"/> names it in errors.</summary>
    public static EmbeddingColumns ReadAll(Stream stream, string source)
    {
        if (!stream.CanSeek) throw new ArgumentException($"{source}: an Arrow IPC file needs a seekable stream", nameof(stream));
        try
        {
            using var reader = ArrowColumns.OpenFileReader(stream, source, leaveOpen: true);
            return Read(reader, source);
        }
        catch (Exception e) when (ArrowColumns.IsMalformedInput(e))
        {
            throw new RangeFormatException(source, $"not a readable Arrow IPC file: {e.Message}", e);
        }
    }

    private static EmbeddingColumns Read(ArrowFileReader reader, string path)
    {
        var schema = reader.Schema;
        ArrowColumns.RequireField(schema, EmbeddingArrowWriter.LonColumn, path);
        ArrowColumns.RequireField(schema, EmbeddingArrowWriter.LatColumn, path);
        int dim = ArrowColumns.RequireVectorColumn(schema, EmbeddingArrowWriter.EmbeddingColumn, path, allowHalf: true);
        var itemType = ((FixedSizeListType)schema.GetFieldByName(EmbeddingArrowWriter.EmbeddingColumn).DataType).ValueDataType;

        var lon = new List<double[]>();
        var lat = new List<double[]>();
        var embeddings = new List<float[]>();
        while (reader.ReadNextRecordBatch() is { } batch)
        {
            using (batch)
            {
                var x = new double[batch.Length];
                var y = new double[batch.Length];
                var e = new float[(long)batch.Length * dim];
                ArrowColumns.CopyDoubles(batch.Column(EmbeddingArrowWriter.LonColumn), EmbeddingArrowWriter.LonColumn, path, x);
                ArrowColumns.CopyDoubles(batch.Column(EmbeddingArrowWriter.LatColumn), EmbeddingArrowWriter.LatColumn, path, y);
                ArrowColumns.CopyVectors(batch.Column(EmbeddingArrowWriter.EmbeddingColumn), EmbeddingArrowWriter.EmbeddingColumn, path, e);
                lon.Add(x);
                lat.Add(y);
                embeddings.Add(e);
            }
        }
        return new EmbeddingColumns(Concat(lon), Concat(lat), Concat(embeddings), dim)
        {
            Precision = itemType is HalfFloatType ? EmbeddingPrecision.Float16 : EmbeddingPrecision.Float32,
            Metadata = schema.HasMetadata ? new Dictionary<string, string>(schema.Metadata) : new Dictionary<string, string>(),
        };
    }

    private static T[] Concat<T>(List<T[]> parts)
    {
        var all = new T[parts.Sum(p => (long)p.Length)];
        long at = 0;
        foreach (var part in parts)
        {
            part.CopyTo(all, at);
            at += part.Length;
        }
        return all;
    }
}
