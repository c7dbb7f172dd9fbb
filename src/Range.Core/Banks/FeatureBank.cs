using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using RangeOrleans.Core.Formats;

namespace RangeOrleans.Core.Banks;

/// <summary>
/// An in-memory retrieval bank (the RANGE database): per entry a location (degrees), a key
/// (the raw, NOT normalised SatCLIP image embedding) and a value (the high-resolution image
/// embedding). Arrays are row-major and owned by the bank: they are not copied, so callers must
/// not modify them after construction. Construction validates everything and fingerprints the
/// content; invalid data throws <see cref="RangeFormatException"/> naming the source and entry.
/// </summary>
public sealed class FeatureBank
{
    // Versioned prefix of the hashed content so a future layout change cannot collide.
    private static readonly byte[] HashDomain = "range.bank.v1\n"u8.ToArray();

    public FeatureBank(double[] lon, double[] lat, float[] keys, int keyDim, float[] values, int valueDim,
        string source = "in-memory bank", DateTimeOffset? createdAt = null)
    {
        Validate(lon, lat, keys, keyDim, values, valueDim, source);
        Lon = lon;
        Lat = lat;
        Keys = keys;
        Values = values;
        KeyDim = keyDim;
        ValueDim = valueDim;
        Info = new BankInfo(source, ComputeSha256(lon, lat, keys, keyDim, values, valueDim), createdAt);
    }

    public int Count => Lon.Length;
    public int KeyDim { get; }
    public int ValueDim { get; }

    /// <summary>Longitudes in degrees, [-180, 180].</summary>
    public double[] Lon { get; }

    /// <summary>Latitudes in degrees, [-90, 90].</summary>
    public double[] Lat { get; }

    /// <summary>Count x KeyDim raw SatCLIP image embeddings (not normalised).</summary>
    public float[] Keys { get; }

    /// <summary>Count x ValueDim high-resolution image embeddings.</summary>
    public float[] Values { get; }

    public BankInfo Info { get; }

    public ReadOnlySpan<float> Key(int entry) => Keys.AsSpan(entry * KeyDim, KeyDim);

    public ReadOnlySpan<float> Value(int entry) => Values.AsSpan(entry * ValueDim, ValueDim);

    /// <summary>Loads a bank from a .npz RANGE database or an Arrow bank file (see <see cref="BankLoader"/>).</summary>
    public static FeatureBank Load(string path) => BankLoader.Load(path);

    /// <summary>
    /// This bank with every key and value rounded to float16 (held as float32): what a float16 bank file stores,
    /// so its checksum is of the values a reader gets back.
    /// </summary>
    public FeatureBank RoundedToHalf() => new(Lon, Lat, RoundToHalf(Keys), KeyDim, RoundToHalf(Values), ValueDim, Info.Source, Info.CreatedAt);

    private static float[] RoundToHalf(float[] values)
    {
        var rounded = new float[values.Length];
        for (int i = 0; i < values.Length; i++) rounded[i] = (float)(Half)values[i];
        return rounded;
    }

    /// <summary>A new bank with the given entries, in the given order (repeats allowed).</summary>
    public FeatureBank Take(ReadOnlySpan<int> entries)
    {
        if (entries.Length == 0) throw new ArgumentException("a bank needs at least one entry", nameof(entries));
        var lon = new double[entries.Length];
        var lat = new double[entries.Length];
        var keys = new float[(long)entries.Length * KeyDim];
        var values = new float[(long)entries.Length * ValueDim];
        for (int i = 0; i < entries.Length; i++)
        {
            int e = entries[i];
            if ((uint)e >= (uint)Count) throw new ArgumentOutOfRangeException(nameof(entries), $"entry {e} is outside 0..{Count - 1}");
            lon[i] = Lon[e];
            lat[i] = Lat[e];
            Key(e).CopyTo(keys.AsSpan(i * KeyDim, KeyDim));
            Value(e).CopyTo(values.AsSpan(i * ValueDim, ValueDim));
        }
        return new FeatureBank(lon, lat, keys, KeyDim, values, ValueDim,
            $"{Info.Source} [{entries.Length} of {Count} entries]", Info.CreatedAt);
    }

    /// <summary>
    /// A uniform random sample of <paramref name="count"/> distinct entries, kept in their original
    /// order, reproducible for a given <paramref name="seed"/> (the paper finds a 10% sample works as well).
    /// </summary>
    public FeatureBank Subsample(int count, int seed)
    {
        if (count < 1 || count > Count) throw new ArgumentOutOfRangeException(nameof(count), $"count must be in 1..{Count}");
        var order = new int[Count];
        for (int i = 0; i < order.Length; i++) order[i] = i;
        var random = new Random(seed);
        // Partial Fisher-Yates: the first `count` slots become a uniform sample.
        for (int i = 0; i < count; i++)
        {
            int j = random.Next(i, order.Length);
            (order[i], order[j]) = (order[j], order[i]);
        }
        var chosen = order.AsSpan(0, count);
        chosen.Sort();
        return Take(chosen);
    }

    /// <summary>
    /// SHA-256 (lower-case hex) over a domain tag, the three sizes (int32 little-endian) and the
    /// little-endian bytes of lon, lat, keys and values, in that order.
    /// </summary>
    public static string ComputeSha256(double[] lon, double[] lat, float[] keys, int keyDim, float[] values, int valueDim)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(HashDomain);
        Span<byte> sizes = stackalloc byte[12];
        BinaryPrimitives.WriteInt32LittleEndian(sizes, lon.Length);
        BinaryPrimitives.WriteInt32LittleEndian(sizes[4..], keyDim);
        BinaryPrimitives.WriteInt32LittleEndian(sizes[8..], valueDim);
        hash.AppendData(sizes);
        AppendLittleEndian<double>(hash, lon);
        AppendLittleEndian<double>(hash, lat);
        AppendLittleEndian<float>(hash, keys);
        AppendLittleEndian<float>(hash, values);
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    private static void AppendLittleEndian<T>(IncrementalHash hash, T[] data) where T : unmanaged
    {
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("bank hashing assumes a little-endian machine");
        const int slice = 1 << 22;
        for (int start = 0; start < data.Length; start += slice)
            hash.AppendData(MemoryMarshal.AsBytes(data.AsSpan(start, Math.Min(slice, data.Length - start))));
    }

    private static void Validate(double[] lon, double[] lat, float[] keys, int keyDim, float[] values, int valueDim, string source)
    {
        ArgumentNullException.ThrowIfNull(lon);
        ArgumentNullException.ThrowIfNull(lat);
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentNullException.ThrowIfNull(values);
        int n = lon.Length;
        if (n == 0) throw new RangeFormatException(source, "bank has no entries");
        if (lat.Length != n) throw new RangeFormatException(source, $"{n} longitudes but {lat.Length} latitudes");
        if (keyDim < 1 || valueDim < 1) throw new RangeFormatException(source, $"key and value dimensions must be positive (got {keyDim}, {valueDim})");
        if (keys.LongLength != (long)n * keyDim) throw new RangeFormatException(source, $"keys hold {keys.LongLength} values, {n} entries x {keyDim} need {(long)n * keyDim}");
        if (values.LongLength != (long)n * valueDim) throw new RangeFormatException(source, $"values hold {values.LongLength} values, {n} entries x {valueDim} need {(long)n * valueDim}");
        for (int i = 0; i < n; i++)
        {
            if (!double.IsFinite(lon[i]) || lon[i] < -180 || lon[i] > 180)
                throw new RangeFormatException(source, $"entry {i}: longitude {lon[i]} is not in [-180, 180]");
            if (!double.IsFinite(lat[i]) || lat[i] < -90 || lat[i] > 90)
                throw new RangeFormatException(source, $"entry {i}: latitude {lat[i]} is not in [-90, 90]");
        }
        int badKey = IndexOfNonFinite(keys);
        if (badKey >= 0) throw new RangeFormatException(source, $"entry {badKey / keyDim}: key component {badKey % keyDim} is {keys[badKey]}");
        int badValue = IndexOfNonFinite(values);
        if (badValue >= 0) throw new RangeFormatException(source, $"entry {badValue / valueDim}: value component {badValue % valueDim} is {values[badValue]}");
    }

    private static int IndexOfNonFinite(float[] data)
    {
        for (int i = 0; i < data.Length; i++)
            if (!float.IsFinite(data[i])) return i;
        return -1;
    }
}
