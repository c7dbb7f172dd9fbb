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
    public double[] ToDoubleArray() => DType switch
    {
        // Switch on the dtype, not the array type: the runtime lets byte[] pass as sbyte[] (and ushort[] as short[]).
        TensorDType.Float64 => (double[])((double[])Data).Clone(),
        TensorDType.Float32 => Array.ConvertAll((float[])Data, x => (double)x),
        TensorDType.Float16 => Array.ConvertAll((Half[])Data, x => (double)x),
        TensorDType.BFloat16 => Array.ConvertAll((ushort[])Data, x => (double)BitConverter.Int32BitsToSingle(x << 16)),
        TensorDType.Int64 => Array.ConvertAll((long[])Data, x => (double)x),
        TensorDType.Int32 => Array.ConvertAll((int[])Data, x => (double)x),
        TensorDType.Int16 => Array.ConvertAll((short[])Data, x => (double)x),
        TensorDType.Int8 => Array.ConvertAll((sbyte[])Data, x => (double)x),
        TensorDType.UInt8 => Array.ConvertAll((byte[])Data, x => (double)x),
        TensorDType.Bool => Array.ConvertAll((bool[])Data, x => x ? 1.0 : 0.0),
        _ => throw new InvalidOperationException($"unsupported dtype {DType}"),
    };

    /// <summary>The elements as float32 (copied; float64 values are rounded to nearest).</summary>
    public float[] ToFloatArray() => DType == TensorDType.Float32 && Data is float[] f ? (float[])f.Clone() : Array.ConvertAll(ToDoubleArray(), x => (float)x);
}
