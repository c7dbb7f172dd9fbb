namespace RangeOrleans.Core.Formats;

/// <summary>
/// A dense, C-contiguous (row-major) array read from a file, held in managed memory.
/// Readers produce it; encoders and banks copy it into TorchSharp tensors or typed buffers.
/// <see cref="Data"/> is a typed array matching <see cref="DType"/>: double[], float[], Half[],
/// ushort[] (bfloat16 bits), long[], int[], short[], sbyte[], byte[] or bool[].
/// </summary>
public sealed class HostTensor
{
    public HostTensor(TensorDType dtype, long[] shape, Array data)
    {
        long count = 1;
        foreach (var d in shape)
        {
            if (d < 0) throw new ArgumentException($"negative dimension {d}", nameof(shape));
            count = checked(count * d);
        }
        if (data.LongLength != count)
            throw new ArgumentException($"data has {data.LongLength} elements, shape [{string.Join(", ", shape)}] needs {count}", nameof(data));
        DType = dtype;
        Shape = shape;
        Data = data;
    }

    public TensorDType DType { get; }
    public long[] Shape { get; }
    public Array Data { get; }
    public long ElementCount => Data.LongLength;

    public string ShapeText => "[" + string.Join(", ", Shape) + "]";

    /// <summary>The elements as float64 (copied; exact for every floating and integer type held here).</summary>
    public double[] ToDoubleArray() => Data switch
    {
        double[] d => (double[])d.Clone(),
        float[] f => Array.ConvertAll(f, x => (double)x),
        Half[] h => Array.ConvertAll(h, x => (double)x),
        ushort[] bf => Array.ConvertAll(bf, x => (double)BitConverter.Int32BitsToSingle(x << 16)),
        long[] l => Array.ConvertAll(l, x => (double)x),
        int[] i => Array.ConvertAll(i, x => (double)x),
        short[] s => Array.ConvertAll(s, x => (double)x),
        sbyte[] sb => Array.ConvertAll(sb, x => (double)x),
        byte[] b => Array.ConvertAll(b, x => (double)x),
        bool[] z => Array.ConvertAll(z, x => x ? 1.0 : 0.0),
        _ => throw new InvalidOperationException($"unsupported element array {Data.GetType()}"),
    };

    /// <summary>The elements as float32 (copied; float64 values are rounded to nearest).</summary>
    public float[] ToFloatArray() => Data is float[] f ? (float[])f.Clone() : Array.ConvertAll(ToDoubleArray(), x => (float)x);
}
