using System.Buffers.Binary;
using System.Text;

namespace RangeOrleans.Core.Tests.Formats.Numpy;

/// <summary>Builds .npy files byte by byte, so tests control every header detail.</summary>
internal static class NpyBytes
{
    public static byte[] Build(string dict, ReadOnlySpan<byte> payload, byte major = 1)
    {
        var header = Encoding.Latin1.GetBytes(dict + "\n");
        int lengthField = major == 1 ? 2 : 4;
        var bytes = new byte[6 + 2 + lengthField + header.Length + payload.Length];
        new byte[] { 0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', major, 0 }.CopyTo(bytes, 0);
        if (major == 1) BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(8), (ushort)header.Length);
        else BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(8), (uint)header.Length);
        header.CopyTo(bytes, 8 + lengthField);
        payload.CopyTo(bytes.AsSpan(8 + lengthField + header.Length));
        return bytes;
    }

    public static byte[] Int32LittleEndian(params int[] values)
    {
        var bytes = new byte[values.Length * 4];
        for (int i = 0; i < values.Length; i++) BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(i * 4), values[i]);
        return bytes;
    }

    public static byte[] Float64BigEndian(params double[] values)
    {
        var bytes = new byte[values.Length * 8];
        for (int i = 0; i < values.Length; i++) BinaryPrimitives.WriteDoubleBigEndian(bytes.AsSpan(i * 8), values[i]);
        return bytes;
    }
}
