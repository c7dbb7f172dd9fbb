using Apache.Arrow;
using Apache.Arrow.Ipc;
using Apache.Arrow.Types;

namespace RangeOrleans.Core.Formats.Arrow;

/// <summary>
/// Streams embedding outputs into an Arrow IPC file, one record batch per <see cref="WriteBatch"/>:
/// columns <c>lon</c>, <c>lat</c> (float64) and <c>embedding</c> (fixed-size list of float32 or
/// float16). Opened on a path, it writes to a temporary file beside the target and renames it
/// into place on <see cref="Commit"/>; disposing without committing deletes the temporary file,
/// so readers never see a partial output. Opened on a stream, the caller owns atomicity.
/// </summary>
public sealed class EmbeddingArrowWriter : IDisposable
{
    public const string LonColumn = "lon";
    public const string LatColumn = "lat";
    public const string EmbeddingColumn = "embedding";

    private readonly PendingFile? _file;
    private readonly Stream _stream;
    private readonly bool _leaveOpen;
    private readonly ArrowFileWriter _writer;
    private readonly Schema _schema;
    private bool _committed;
    private bool _disposed;

    /// <summary>Writes to <paramref name="targetPath"/>, which appears only on <see cref="Commit"/>.</summary>
    /// <param name="extraColumns">Names of float64 columns after <c>embedding</c> (e.g. a look-up's distance), given to <see cref="WriteBatch(ReadOnlySpan{double}, ReadOnlySpan{double}, ReadOnlySpan{float}, IReadOnlyList{ReadOnlyMemory{double}})"/>.</param>
    public EmbeddingArrowWriter(string targetPath, int dimension, EmbeddingPrecision precision = EmbeddingPrecision.Float32,
        IReadOnlyDictionary<string, string>? metadata = null, IReadOnlyList<string>? extraColumns = null)
        : this(new PendingFile(targetPath), null, dimension, precision, metadata, leaveOpen: false, extraColumns)
    {
    }

    /// <summary>Writes to <paramref name="stream"/>; <see cref="Commit"/> completes the file but renames nothing.</summary>
    public EmbeddingArrowWriter(Stream stream, int dimension, EmbeddingPrecision precision = EmbeddingPrecision.Float32,
        IReadOnlyDictionary<string, string>? metadata = null, bool leaveOpen = true)
        : this(null, stream, dimension, precision, metadata, leaveOpen)
    {
    }

    private EmbeddingArrowWriter(PendingFile? file, Stream? stream, int dimension, EmbeddingPrecision precision,
        IReadOnlyDictionary<string, string>? metadata, bool leaveOpen, IReadOnlyList<string>? extraColumns = null)
    {
        try
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(dimension, 1);
            _file = file;
            _stream = file?.Stream ?? stream ?? throw new ArgumentNullException(nameof(stream));
            _leaveOpen = file != null || leaveOpen; // the PendingFile owns its stream
            Dimension = dimension;
            Precision = precision;
            var listType = precision == EmbeddingPrecision.Float16 ? ArrowColumns.HalfListType(dimension) : ArrowColumns.FloatListType(dimension);
            _schema = new Schema(
                [
                    new Field(LonColumn, DoubleType.Default, nullable: false),
                    new Field(LatColumn, DoubleType.Default, nullable: false),
                    new Field(EmbeddingColumn, listType, nullable: false),
                    .. (extraColumns ?? []).Select(name => new Field(name, DoubleType.Default, nullable: false)),
                ],
                metadata);
            _writer = new ArrowFileWriter(_stream, _schema, leaveOpen: true);
            _writer.WriteStart(); // so even a file with no batches is a valid Arrow file
        }
        catch
        {
            file?.Dispose();
            throw;
        }
    }

    public int Dimension { get; }
    public EmbeddingPrecision Precision { get; }
    public long RowsWritten { get; private set; }

    /// <summary>The final path, or null when writing to a caller's stream.</summary>
    public string? TargetPath => _file?.TargetPath;

    /// <summary>Writes one record batch of <c>lon.Length</c> rows; <paramref name="embeddings"/> is rows x <see cref="Dimension"/>, row-major.</summary>
    public void WriteBatch(ReadOnlySpan<double> lon, ReadOnlySpan<double> lat, ReadOnlySpan<float> embeddings) =>
        WriteBatch(lon, lat, embeddings, []);

    /// <summary>As <see cref="WriteBatch(ReadOnlySpan{double}, ReadOnlySpan{double}, ReadOnlySpan{float})"/>, with one array per extra column.</summary>
    public void WriteBatch(ReadOnlySpan<double> lon, ReadOnlySpan<double> lat, ReadOnlySpan<float> embeddings, IReadOnlyList<ReadOnlyMemory<double>> extra)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_committed) throw new InvalidOperationException("the writer has been committed");
        if (lat.Length != lon.Length)
            throw new ArgumentException($"{lon.Length} longitudes but {lat.Length} latitudes", nameof(lat));
        if (embeddings.Length != (long)lon.Length * Dimension)
            throw new ArgumentException($"{embeddings.Length} embedding values, {lon.Length} rows x {Dimension} need {(long)lon.Length * Dimension}", nameof(embeddings));
        int rows = lon.Length;
        if (extra.Count != _schema.FieldsList.Count - 3 || extra.Any(e => e.Length != rows))
            throw new ArgumentException($"{extra.Count} extra columns of {lon.Length} values expected {_schema.FieldsList.Count - 3}", nameof(extra));
        if (lon.Length == 0) return;
        var vectors = Precision == EmbeddingPrecision.Float16
            ? ArrowColumns.HalfList(embeddings, Dimension)
            : ArrowColumns.FloatList(embeddings, Dimension);
        using var batch = new RecordBatch(_schema, [ArrowColumns.Doubles(lon), ArrowColumns.Doubles(lat), vectors, .. extra.Select(e => (IArrowArray)ArrowColumns.Doubles(e.Span))], lon.Length);
        _writer.WriteRecordBatch(batch);
        RowsWritten += lon.Length;
    }

    /// <summary>Writes the file footer, flushes, and (for a path) renames the file into place.</summary>
    public void Commit()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_committed) throw new InvalidOperationException("already committed");
        _writer.WriteEnd();
        _writer.Dispose();
        if (_file != null) _file.Commit();
        else _stream.Flush();
        _committed = true;
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        if (!_committed) _writer.Dispose();
        _file?.Dispose(); // deletes the temporary file unless committed
        if (!_leaveOpen) _stream.Dispose();
    }
}
