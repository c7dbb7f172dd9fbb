using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;

namespace RangeOrleans.Core.Formats.Numpy;

/// <summary>
/// Writes .npy files the way numpy.save does for the types this project produces: format 1.0
/// (2.0 only if the header would not fit), little-endian, C order, float64 / float32 / int64.
/// </summary>
public static class NpyWriter
{
    // numpy pads the preamble so the payload starts on a 64-byte boundary.
    private const int Alignment = 64;

    /// <summary>Writes to <paramref name="path"/> atomically (temporary file, then rename).</summary>
    public static void Write(string path, HostTensor tensor)
    {
        using var pending = new PendingFile(path);
        Write(pending.Stream, tensor);
        pending.Commit();
    }

    public static void Write(Stream stream, HostTensor tensor)
    {
        string descr = tensor.DType switch
        {
            TensorDType.Float64 => "<f8",
            TensorDType.Float32 => "<f4",
            TensorDType.Int64 => "<i8",
            _ => throw new ArgumentException($"NpyWriter writes float64, float32 and int64, not {tensor.DType}", nameof(tensor)),
        };
        stream.Write(Preamble(descr, tensor.Shape));
        switch (tensor.Data)
        {
            case double[] d: WriteElements<double>(stream, d); break;
            case float[] f: WriteElements<float>(stream, f); break;
            case long[] l: WriteElements<long>(stream, l); break;
            default: throw new ArgumentException($"data array {tensor.Data.GetType()} does not match {tensor.DType}", nameof(tensor));
        }
    }

    /// <summary>The magic, version, header length and padded header dict.</summary>
    internal static byte[] Preamble(string descr, long[] shape)
    {
        // A 1-tuple needs its trailing comma in Python syntax: (5,)
        string shapeText = shape.Length == 1 ? $"({shape[0]},)" : "(" + string.Join(", ", shape) + ")";
        string dict = $"{{'descr': '{descr}', 'fortran_order': False, 'shape': {shapeText}, }}";
        bool v1 = 10 + dict.Length + 1 <= ushort.MaxValue;
        int fixedPart = v1 ? 10 : 12;
        int total = (fixedPart + dict.Length + 1 + Alignment - 1) / Alignment * Alignment;
        int headerLength = total - fixedPart;
        var bytes = new byte[total];
        NpyHeader.Magic.CopyTo(bytes);
        bytes[6] = (byte)(v1 ? 1 : 2);
        bytes[7] = 0;
        if (v1) BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(8), (ushort)headerLength);
        else BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(8), (uint)headerLength);
        var body = bytes.AsSpan(fixedPart);
        body.Fill((byte)' ');
        Encoding.Latin1.GetBytes(dict, body);
        body[^1] = (byte)'\n';
        return bytes;
    }

    private static void WriteElements<T>(Stream stream, T[] values) where T : unmanaged
    {
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("NpyWriter assumes a little-endian machine");
        const int sliceElements = 1 << 24;
        for (long start = 0; start < values.LongLength; start += sliceElements)
        {
            int n = (int)Math.Min(sliceElements, values.LongLength - start);
            stream.Write(MemoryMarshal.AsBytes(values.AsSpan((int)start, n)));
        }
    }
}
