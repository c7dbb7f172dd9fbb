using System.Globalization;
using Apache.Arrow;
using Apache.Arrow.Ipc;
using Apache.Arrow.Types;
using RangeOrleans.Core.Formats;
using RangeOrleans.Core.Formats.Arrow;

namespace RangeOrleans.Core.Banks;

/// <summary>
/// The project's own bank format: an Arrow IPC file with columns <c>lon</c>, <c>lat</c> (float64),
/// <c>key</c> and <c>value</c> (fixed_size_list&lt;float32&gt;, or &lt;float16&gt; for a bank written with
/// <see cref="EmbeddingPrecision.Float16"/>: half the bytes, for banks shipped in a repository), and schema
/// metadata describing the bank (<c>range.bank.*</c>). Unlike the .npz it keeps float32 exactly, carries its
/// own checksum (of the values a reader gets back), and can be read by any Arrow implementation.
/// </summary>
public static class ArrowBankFile
{
    public const string FormatKey = "range.bank.format";
    public const string KeyDimKey = "range.bank.key_dim";
    public const string ValueDimKey = "range.bank.value_dim";
    public const string CountKey = "range.bank.count";
    public const string Sha256Key = "range.bank.sha256";
    public const string SourceKey = "range.bank.source";
    public const string CreatedAtKey = "range.bank.created_at";
    public const string FormatVersion = "1";

    public const int DefaultBatchRows = 8192;

    /// <summary>Writes to <paramref name="path"/> atomically (temporary file, then rename).</summary>
    public static void Write(FeatureBank bank, string path, int batchRows = DefaultBatchRows, EmbeddingPrecision precision = EmbeddingPrecision.Float32)
    {
        using var pending = new PendingFile(path);
        Write(bank, pending.Stream, batchRows, precision);
        pending.Commit();
    }

    /// <summary>Writes the whole file to <paramref name="stream"/> (left open).</summary>
    public static void Write(FeatureBank bank, Stream stream, int batchRows = DefaultBatchRows, EmbeddingPrecision precision = EmbeddingPrecision.Float32)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchRows, 1);
        bool half = precision == EmbeddingPrecision.Float16;
        if (half) bank = bank.RoundedToHalf();
        var schema = BuildSchema(bank, half);
        using var writer = new ArrowFileWriter(stream, schema, leaveOpen: true);
        writer.WriteStart(); // WriteEnd alone would omit the file header
        for (int start = 0; start < bank.Count; start += batchRows)
        {
            int rows = Math.Min(batchRows, bank.Count - start);
            var columns = new IArrowArray[]
            {
                ArrowColumns.Doubles(bank.Lon.AsSpan(start, rows)),
                ArrowColumns.Doubles(bank.Lat.AsSpan(start, rows)),
                Vectors(bank.Keys.AsSpan(start * bank.KeyDim, rows * bank.KeyDim), bank.KeyDim, half),
                Vectors(bank.Values.AsSpan(start * bank.ValueDim, rows * bank.ValueDim), bank.ValueDim, half),
            };
            using var batch = new RecordBatch(schema, columns, rows);
            writer.WriteRecordBatch(batch);
        }
        writer.WriteEnd();
    }

    private static FixedSizeListArray Vectors(ReadOnlySpan<float> values, int dim, bool half) =>
        half ? ArrowColumns.HalfList(values, dim) : ArrowColumns.FloatList(values, dim);

    public static FeatureBank Read(string path)
    {
        FileStream stream;
        try { stream = File.OpenRead(path); }
        catch (IOException e) { throw new RangeFormatException(path, $"cannot open: {e.Message}", e); }
        using (stream)
            return Read(stream, path);
    }

    /// <summary>Reads a bank from a seekable stream holding an Arrow IPC file; <paramref name="source"/> names it in errors.</summary>
    public static FeatureBank Read(Stream stream, string source)
    {
        try
        {
            using var reader = ArrowColumns.OpenFileReader(stream, source, leaveOpen: true);
            return ReadBank(reader, stream, source);
        }
        catch (Exception e) when (ArrowColumns.IsMalformedInput(e))
        {
            throw new RangeFormatException(source, $"not a readable Arrow IPC file: {e.Message}", e);
        }
    }

    private static FeatureBank ReadBank(ArrowFileReader reader, Stream stream, string source)
    {
        var schema = reader.Schema;
        var meta = schema.HasMetadata ? schema.Metadata : new Dictionary<string, string>();
        if (!meta.TryGetValue(FormatKey, out var format))
            throw new RangeFormatException(source, $"not a RANGE bank file (schema metadata lacks '{FormatKey}')");
        if (format != FormatVersion)
            throw new RangeFormatException(source, $"bank format version '{format}' is not supported (only {FormatVersion})");
        ArrowColumns.RequireField(schema, "lon", source);
        ArrowColumns.RequireField(schema, "lat", source);
        int keyDim = ArrowColumns.RequireVectorColumn(schema, "key", source, allowHalf: true);
        int valueDim = ArrowColumns.RequireVectorColumn(schema, "value", source, allowHalf: true);
        RequireMetadataInt(meta, KeyDimKey, keyDim, source);
        RequireMetadataInt(meta, ValueDimKey, valueDim, source);
        int count = ParseMetadataInt(meta, CountKey, source);

        // Refuse a count the file cannot possibly hold before allocating for it (a float16 row is the smallest).
        long rowBytes = 16 + 2L * (keyDim + valueDim);
        if (count < 1 || (long)count * Math.Max(keyDim, valueDim) > System.Array.MaxLength || (stream.CanSeek && count * rowBytes > stream.Length))
            throw new RangeFormatException(source, $"metadata claims {count} entries, which this file cannot hold");

        var lon = new double[count];
        var lat = new double[count];
        var keys = new float[(long)count * keyDim];
        var values = new float[(long)count * valueDim];
        int row = 0;
        while (reader.ReadNextRecordBatch() is { } batch)
        {
            using (batch)
            {
                if (batch.Length > count - row)
                    throw new RangeFormatException(source, $"holds more rows than the {count} its metadata says");
                ArrowColumns.CopyDoubles(batch.Column("lon"), "lon", source, lon.AsSpan(row, batch.Length));
                ArrowColumns.CopyDoubles(batch.Column("lat"), "lat", source, lat.AsSpan(row, batch.Length));
                ArrowColumns.CopyVectors(batch.Column("key"), "key", source, keys.AsSpan(row * keyDim, batch.Length * keyDim));
                ArrowColumns.CopyVectors(batch.Column("value"), "value", source, values.AsSpan(row * valueDim, batch.Length * valueDim));
                row += batch.Length;
            }
        }
        if (row != count)
            throw new RangeFormatException(source, $"holds {row} rows, its metadata says {count}");

        DateTimeOffset? createdAt = meta.TryGetValue(CreatedAtKey, out var created)
            && DateTimeOffset.TryParse(created, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var parsed) ? parsed : null;
        var bank = new FeatureBank(lon, lat, keys, keyDim, values, valueDim, source, createdAt);
        if (meta.TryGetValue(Sha256Key, out var sha) && !string.Equals(sha, bank.Info.Sha256, StringComparison.OrdinalIgnoreCase))
            throw new RangeFormatException(source, $"checksum mismatch: metadata says {sha}, content hashes to {bank.Info.Sha256}");
        return bank;
    }

    private static Schema BuildSchema(FeatureBank bank, bool half)
    {
        var metadata = new Dictionary<string, string>
        {
            [FormatKey] = FormatVersion,
            [KeyDimKey] = bank.KeyDim.ToString(CultureInfo.InvariantCulture),
            [ValueDimKey] = bank.ValueDim.ToString(CultureInfo.InvariantCulture),
            [CountKey] = bank.Count.ToString(CultureInfo.InvariantCulture),
            [Sha256Key] = bank.Info.Sha256,
            [SourceKey] = bank.Info.Source,
        };
        if (bank.Info.CreatedAt is { } created) metadata[CreatedAtKey] = created.ToString("O", CultureInfo.InvariantCulture);
        var fields = new[]
        {
            new Field("lon", DoubleType.Default, nullable: false),
            new Field("lat", DoubleType.Default, nullable: false),
            new Field("key", half ? ArrowColumns.HalfListType(bank.KeyDim) : ArrowColumns.FloatListType(bank.KeyDim), nullable: false),
            new Field("value", half ? ArrowColumns.HalfListType(bank.ValueDim) : ArrowColumns.FloatListType(bank.ValueDim), nullable: false),
        };
        return new Schema(fields, metadata);
    }

    private static int ParseMetadataInt(IReadOnlyDictionary<string, string> meta, string key, string source)
    {
        if (!meta.TryGetValue(key, out var text))
            throw new RangeFormatException(source, $"schema metadata lacks '{key}'");
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value))
            throw new RangeFormatException(source, $"schema metadata '{key}' = '{text}' is not a non-negative integer");
        return value;
    }

    private static void RequireMetadataInt(IReadOnlyDictionary<string, string> meta, string key, int actual, string source)
    {
        int claimed = ParseMetadataInt(meta, key, source);
        if (claimed != actual)
            throw new RangeFormatException(source, $"schema metadata '{key}' = {claimed} but the column holds vectors of {actual}");
    }
}
