using RangeOrleans.Core.Formats;
using RangeOrleans.Core.Formats.Numpy;

namespace RangeOrleans.Core.Banks;

/// <summary>
/// The published RANGE database layout: a numpy.savez archive with <c>locs</c> (N, 2) lon/lat
/// degrees, <c>satclip_embeddings</c> (N, K) keys and <c>image_embeddings</c> (N, D) values.
/// Import accepts float64 or float32 members (keys and values become float32, as retrieval
/// runs in float32); export writes float64 like the published file.
/// </summary>
public static class RangeDatabaseNpz
{
    public const string LocsMember = "locs";
    public const string KeysMember = "satclip_embeddings";
    public const string ValuesMember = "image_embeddings";

    public static FeatureBank Import(string npzPath)
    {
        using var npz = NpzReader.Open(npzPath);
        foreach (var member in new[] { LocsMember, KeysMember, ValuesMember })
        {
            if (!npz.Contains(member))
                throw new RangeFormatException($"{npzPath}:{member}.npy", $"missing array (a RANGE database needs {LocsMember}, {KeysMember}, {ValuesMember}; found {string.Join(", ", npz.Names)})");
        }
        var locs = ReadMatrix(npz, LocsMember, expectedRows: null);
        if (locs.Shape[1] != 2)
            throw new RangeFormatException(Member(npz, LocsMember), $"shape {locs.ShapeText}, expected (N, 2) lon/lat");
        int n = checked((int)locs.Shape[0]);
        var keys = ReadMatrix(npz, KeysMember, n);
        var values = ReadMatrix(npz, ValuesMember, n);

        var lonLat = locs.ToDoubleArray();
        var lon = new double[n];
        var lat = new double[n];
        for (int i = 0; i < n; i++)
        {
            lon[i] = lonLat[2 * i];
            lat[i] = lonLat[2 * i + 1];
        }
        return new FeatureBank(lon, lat, ToFloats(keys), (int)keys.Shape[1], ToFloats(values), (int)values.Shape[1], npzPath);
    }

    /// <summary>Writes the bank as a float64 numpy.savez archive, atomically.</summary>
    public static void Export(FeatureBank bank, string npzPath)
    {
        var locs = new double[2L * bank.Count];
        for (int i = 0; i < bank.Count; i++)
        {
            locs[2 * i] = bank.Lon[i];
            locs[2 * i + 1] = bank.Lat[i];
        }
        using var writer = new NpzWriter(npzPath);
        // Same member order as the published file.
        writer.Add(LocsMember, new HostTensor(TensorDType.Float64, [bank.Count, 2], locs));
        writer.Add(ValuesMember, new HostTensor(TensorDType.Float64, [bank.Count, bank.ValueDim], Array.ConvertAll(bank.Values, v => (double)v)));
        writer.Add(KeysMember, new HostTensor(TensorDType.Float64, [bank.Count, bank.KeyDim], Array.ConvertAll(bank.Keys, v => (double)v)));
        writer.Commit();
    }

    private static HostTensor ReadMatrix(NpzReader npz, string member, int? expectedRows)
    {
        var tensor = npz.Read(member);
        string source = Member(npz, member);
        if (tensor.DType is not (TensorDType.Float64 or TensorDType.Float32))
            throw new RangeFormatException(source, $"dtype {tensor.DType}, expected float64 or float32");
        if (tensor.Shape.Length != 2)
            throw new RangeFormatException(source, $"shape {tensor.ShapeText}, expected a 2-D array");
        if (tensor.Shape[0] < 1 || tensor.Shape[1] < 1)
            throw new RangeFormatException(source, $"shape {tensor.ShapeText} is empty");
        if (expectedRows is int rows && tensor.Shape[0] != rows)
            throw new RangeFormatException(source, $"shape {tensor.ShapeText} has {tensor.Shape[0]} rows, but {LocsMember} has {rows}");
        return tensor;
    }

    // Converts straight from the stored type, avoiding HostTensor's intermediate float64 copy.
    private static float[] ToFloats(HostTensor tensor) => tensor.Data switch
    {
        float[] f => f,
        double[] d => Array.ConvertAll(d, x => (float)x),
        _ => throw new InvalidOperationException("checked by ReadMatrix"),
    };

    private static string Member(NpzReader npz, string member) => $"{npz.Path}:{member}.npy";
}
