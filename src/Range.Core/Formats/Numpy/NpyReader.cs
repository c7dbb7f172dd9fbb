using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace RangeOrleans.Core.Formats.Numpy;

/// <summary>
/// Reads NumPy .npy arrays (format versions 1.0, 2.0 and 3.0) into a C-order <see cref="HostTensor"/>.
/// Big-endian data is byte-swapped and Fortran-order data transposed, so callers always see
/// native little-endian row-major elements. The payload size implied by the header is checked
/// against the bytes actually present before anything is allocated, so a hostile header cannot
/// make the reader allocate gigabytes.
/// </summary>
public static class NpyReader
{
    /// <summary>Largest element count accepted by default (the largest .NET array).</summary>
    public static long DefaultMaxElements => Array.MaxLength;

    public static HostTensor Read(string path, long? maxElements = null)
    {
        FileStream stream;
        try { stream = File.OpenRead(path); }
        catch (FileNotFoundException e) { throw new RangeFormatException(path, "file not found", e); }
        catch (DirectoryNotFoundException e) { throw new RangeFormatException(path, "file not found", e); }
        using (stream)
            return Read(stream, path, stream.Length, maxElements);
    }

    /// <summary>
    /// Reads one array from <paramref name="stream"/>, which holds exactly <paramref name="byteLength"/>
    /// bytes of .npy data from its current position (a zip member's uncompressed size, a file's length).
    /// </summary>
    public static HostTensor Read(Stream stream, string source, long byteLength, long? maxElements = null)
    {
        var header = NpyHeader.Read(stream, source);
        long count = header.ElementCount;
        long limit = Math.Min(maxElements ?? DefaultMaxElements, Array.MaxLength);
        if (count > limit)
            throw new RangeFormatException(source, $"shape ({string.Join(", ", header.Shape)}) has {count} elements, more than the limit {limit}");
        int itemSize = header.DType.ElementSize();
        long expected = count * itemSize; // cannot overflow: count <= Array.MaxLength, itemSize <= 8
        long remaining = byteLength - header.ByteLength;
        if (remaining != expected)
            throw new RangeFormatException(source,
                $"header says shape ({string.Join(", ", header.Shape)}) of {header.Descr} = {expected} bytes of data, but {Math.Max(remaining, 0)} bytes follow the header");

        Array data = header.DType switch
        {
            TensorDType.Float64 => ReadElements<double>(stream, header, source),
            TensorDType.Float32 => ReadElements<float>(stream, header, source),
            TensorDType.Float16 => ReadElements<Half>(stream, header, source),
            TensorDType.Int64 => ReadElements<long>(stream, header, source),
            TensorDType.Int32 => ReadElements<int>(stream, header, source),
            TensorDType.Int16 => ReadElements<short>(stream, header, source),
            TensorDType.Int8 => ReadElements<sbyte>(stream, header, source),
            TensorDType.UInt8 => ReadElements<byte>(stream, header, source),
            TensorDType.Bool => Array.ConvertAll(ReadElements<byte>(stream, header, source), b => b != 0),
            _ => throw new RangeFormatException(source, $"unsupported dtype {header.DType}"),
        };
        return new HostTensor(header.DType, header.Shape, data);
    }

    private static T[] ReadElements<T>(Stream stream, NpyHeader header, string source) where T : unmanaged
    {
        var values = new T[header.ElementCount];
        // Read in slices so the byte view of one slice always fits in an int-indexed span.
        const int sliceElements = 1 << 24;
        for (long start = 0; start < values.LongLength; start += sliceElements)
        {
            int n = (int)Math.Min(sliceElements, values.LongLength - start);
            var bytes = MemoryMarshal.AsBytes(values.AsSpan((int)start, n));
            try { stream.ReadExactly(bytes); }
            catch (EndOfStreamException e) { throw new RangeFormatException(source, "truncated .npy data", e); }
        }
        if (header.BigEndian) SwapBytes(values);
        return header.FortranOrder && header.Shape.Length > 1 ? FortranToC(values, header.Shape) : values;
    }

    private static void SwapBytes<T>(T[] values) where T : unmanaged
    {
        var span = values.AsSpan();
        switch (System.Runtime.CompilerServices.Unsafe.SizeOf<T>())
        {
            case 8: { var u = MemoryMarshal.Cast<T, ulong>(span); BinaryPrimitives.ReverseEndianness(u, u); break; }
            case 4: { var u = MemoryMarshal.Cast<T, uint>(span); BinaryPrimitives.ReverseEndianness(u, u); break; }
            case 2: { var u = MemoryMarshal.Cast<T, ushort>(span); BinaryPrimitives.ReverseEndianness(u, u); break; }
        }
    }

    /// <summary>
    /// Reorders column-major elements into row-major. Walks the C-order output while keeping the
    /// matching Fortran offset incrementally (first axis fastest there), so it works for any rank.
    /// </summary>
    internal static T[] FortranToC<T>(T[] fortran, long[] shape)
    {
        int rank = shape.Length;
        var result = new T[fortran.LongLength];
        if (result.Length == 0) return result;
        var stride = new long[rank]; // Fortran strides in elements
        long s = 1;
        for (int axis = 0; axis < rank; axis++) { stride[axis] = s; s *= shape[axis]; }
        var index = new long[rank];
        long offset = 0;
        for (long c = 0; c < result.LongLength; c++)
        {
            result[c] = fortran[offset];
            // Advance the C-order multi-index: the last axis varies fastest.
            for (int axis = rank - 1; axis >= 0; axis--)
            {
                index[axis]++;
                offset += stride[axis];
                if (index[axis] < shape[axis]) break;
                offset -= stride[axis] * shape[axis];
                index[axis] = 0;
            }
        }
        return result;
    }
}
