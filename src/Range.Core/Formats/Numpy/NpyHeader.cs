using System.Buffers.Binary;
using System.Text;

namespace RangeOrleans.Core.Formats.Numpy;

/// <summary>
/// What a .npy header says about the array that follows it: element type, byte order, memory
/// order and shape. <see cref="ByteLength"/> is the size of the whole preamble (magic, version,
/// length field and dict), i.e. where the payload starts.
/// </summary>
public sealed record NpyHeader(TensorDType DType, bool BigEndian, bool FortranOrder, long[] Shape, int ByteLength)
{
    /// <summary>The six bytes every .npy file starts with.</summary>
    public static ReadOnlySpan<byte> Magic => [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    // numpy itself refuses headers over 10000 bytes by default; allow more but stay bounded.
    internal const int MaxHeaderLength = 1 << 20;

    /// <summary>Number of elements the shape describes (checked against overflow by <see cref="Read"/>).</summary>
    public long ElementCount
    {
        get
        {
            long count = 1;
            foreach (var d in Shape) count = checked(count * d);
            return count;
        }
    }

    public string Descr => (DType.ElementSize() == 1 ? "|" : BigEndian ? ">" : "<") + DType switch
    {
        TensorDType.Float64 => "f8",
        TensorDType.Float32 => "f4",
        TensorDType.Float16 => "f2",
        TensorDType.Int64 => "i8",
        TensorDType.Int32 => "i4",
        TensorDType.Int16 => "i2",
        TensorDType.Int8 => "i1",
        TensorDType.UInt8 => "u1",
        TensorDType.Bool => "b1",
        _ => throw new InvalidOperationException($"{DType} has no .npy descr here"),
    };

    /// <summary>Reads and validates the preamble; leaves the stream at the first payload byte.</summary>
    public static NpyHeader Read(Stream stream, string source)
    {
        Span<byte> prefix = stackalloc byte[8];
        ReadExactly(stream, prefix, source, "the magic and version");
        if (!prefix[..6].SequenceEqual(Magic))
            throw new RangeFormatException(source, "not a .npy file (missing \\x93NUMPY magic)");
        byte major = prefix[6], minor = prefix[7];
        int lengthFieldSize = major switch
        {
            1 => 2,
            2 or 3 => 4,
            _ => throw new RangeFormatException(source, $".npy format version {major}.{minor} is not supported (1.0, 2.0 and 3.0 are)"),
        };
        Span<byte> lengthField = stackalloc byte[4];
        ReadExactly(stream, lengthField[..lengthFieldSize], source, "the header length");
        long headerLength = lengthFieldSize == 2
            ? BinaryPrimitives.ReadUInt16LittleEndian(lengthField)
            : BinaryPrimitives.ReadUInt32LittleEndian(lengthField);
        if (headerLength > MaxHeaderLength)
            throw new RangeFormatException(source, $".npy header claims {headerLength} bytes (limit {MaxHeaderLength})");
        var headerBytes = new byte[headerLength];
        ReadExactly(stream, headerBytes, source, "the header");
        // Versions 1 and 2 store the dict in latin-1, version 3 in UTF-8.
        var text = major == 3 ? Encoding.UTF8.GetString(headerBytes) : Encoding.Latin1.GetString(headerBytes);
        return Parse(text, source, 8 + lengthFieldSize + (int)headerLength);
    }

    /// <summary>Interprets the header dict text, e.g. <c>{'descr': '&lt;f8', 'fortran_order': False, 'shape': (3, 2), }</c>.</summary>
    public static NpyHeader Parse(string text, string source, int byteLength)
    {
        object? literal;
        try { literal = PythonLiteralParser.Parse(text); }
        catch (FormatException e) { throw new RangeFormatException(source, $"malformed .npy header: {e.Message}", e); }
        if (literal is not Dictionary<string, object?> dict)
            throw new RangeFormatException(source, "malformed .npy header: not a dictionary");
        foreach (var required in new[] { "descr", "fortran_order", "shape" })
        {
            if (!dict.ContainsKey(required))
                throw new RangeFormatException(source, $".npy header lacks '{required}'");
        }
        if (dict["descr"] is not string descr)
            throw new RangeFormatException(source, "structured .npy arrays (descr is not a simple type string) are not supported");
        if (dict["fortran_order"] is not bool fortran)
            throw new RangeFormatException(source, ".npy header 'fortran_order' is not True or False");
        if (dict["shape"] is not List<object?> dims)
            throw new RangeFormatException(source, ".npy header 'shape' is not a tuple");

        var shape = new long[dims.Count];
        for (int i = 0; i < dims.Count; i++)
        {
            if (dims[i] is not long d || d < 0)
                throw new RangeFormatException(source, $".npy header 'shape' entry {i} is not a non-negative integer");
            shape[i] = d;
        }
        var (dtype, bigEndian) = ParseDescr(descr, source);
        var header = new NpyHeader(dtype, bigEndian, fortran, shape, byteLength);
        try { _ = header.ElementCount; }
        catch (OverflowException) { throw new RangeFormatException(source, $"shape ({string.Join(", ", shape)}) overflows a 64-bit element count"); }
        return header;
    }

    private static (TensorDType, bool) ParseDescr(string descr, string source)
    {
        if (descr.Length < 2)
            throw new RangeFormatException(source, $"unsupported .npy dtype '{descr}'");
        char order = descr[0];
        var code = descr[1..];
        bool bigEndian = order switch
        {
            '<' or '|' => false,
            '>' => true,
            '=' => !BitConverter.IsLittleEndian,
            _ => throw new RangeFormatException(source, $"unsupported .npy dtype '{descr}'"),
        };
        TensorDType dtype = code switch
        {
            "f8" => TensorDType.Float64,
            "f4" => TensorDType.Float32,
            "f2" => TensorDType.Float16,
            "i8" => TensorDType.Int64,
            "i4" => TensorDType.Int32,
            "i2" => TensorDType.Int16,
            "i1" => TensorDType.Int8,
            "u1" => TensorDType.UInt8,
            "b1" => TensorDType.Bool,
            _ => throw new RangeFormatException(source, $"unsupported .npy dtype '{descr}' (supported: f8 f4 f2 i8 i4 i2 i1 u1 b1)"),
        };
        return (dtype, bigEndian && dtype.ElementSize() > 1);
    }

    private static void ReadExactly(Stream stream, Span<byte> buffer, string source, string what)
    {
        try { stream.ReadExactly(buffer); }
        catch (EndOfStreamException e) { throw new RangeFormatException(source, $"truncated .npy file: ends inside {what}", e); }
    }
}
