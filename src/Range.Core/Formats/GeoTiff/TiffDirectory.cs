using System.Buffers.Binary;
using System.Text;

namespace RangeOrleans.Core.Formats.GeoTiff;

/// <summary>
/// One TIFF image file directory (IFD) being built: tags with their values, encoded little-endian as classic
/// TIFF (4-byte offsets) or BigTIFF (8-byte offsets). Values that do not fit in the entry follow the
/// directory directly, word-aligned, so a directory and its arrays form one contiguous block.
/// </summary>
internal sealed class TiffDirectory
{
    public const ushort Ascii = 2, Short = 3, Long = 4, Double = 12, Long8 = 16;

    private readonly SortedDictionary<ushort, (ushort Type, long Count, byte[] Bytes)> _entries = [];

    public void Add(ushort tag, ushort value) => Shorts(tag, [value]);

    public void AddLong(ushort tag, uint value) => Longs(tag, [value]);

    public void Shorts(ushort tag, ReadOnlySpan<ushort> values)
    {
        var bytes = new byte[values.Length * 2];
        for (int i = 0; i < values.Length; i++) BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(2 * i), values[i]);
        _entries[tag] = (Short, values.Length, bytes);
    }

    public void Longs(ushort tag, ReadOnlySpan<uint> values)
    {
        var bytes = new byte[values.Length * 4];
        for (int i = 0; i < values.Length; i++) BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(4 * i), values[i]);
        _entries[tag] = (Long, values.Length, bytes);
    }

    public void Long8s(ushort tag, ReadOnlySpan<ulong> values)
    {
        var bytes = new byte[values.Length * 8];
        for (int i = 0; i < values.Length; i++) BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(8 * i), values[i]);
        _entries[tag] = (Long8, values.Length, bytes);
    }

    public void Doubles(ushort tag, ReadOnlySpan<double> values)
    {
        var bytes = new byte[values.Length * 8];
        for (int i = 0; i < values.Length; i++) BinaryPrimitives.WriteDoubleLittleEndian(bytes.AsSpan(8 * i), values[i]);
        _entries[tag] = (Double, values.Length, bytes);
    }

    /// <summary>An ASCII value (NUL-terminated as TIFF requires).</summary>
    public void Text(ushort tag, string value)
    {
        var bytes = Encoding.UTF8.GetBytes(value + "\0");
        _entries[tag] = (Ascii, bytes.Length, bytes);
    }

    /// <summary>Offsets of tiles: LONG in classic TIFF, LONG8 in BigTIFF.</summary>
    public void Offsets(ushort tag, ReadOnlySpan<ulong> values, bool big)
    {
        if (big)
        {
            Long8s(tag, values);
            return;
        }
        var longs = new uint[values.Length];
        for (int i = 0; i < values.Length; i++) longs[i] = checked((uint)values[i]);
        Longs(tag, longs);
    }

    private static int EntrySize(bool big) => big ? 20 : 12;

    private static int InlineSize(bool big) => big ? 8 : 4;

    /// <summary>Bytes this directory and its out-of-line values take.</summary>
    public long Size(bool big)
    {
        long size = (big ? 8 : 2) + (long)_entries.Count * EntrySize(big) + (big ? 8 : 4);
        foreach (var (_, _, bytes) in _entries.Values)
            if (bytes.Length > InlineSize(big)) size += Align(bytes.Length);
        return size;
    }

    /// <summary>Encodes the directory as if it starts at file offset <paramref name="at"/>, pointing to the next one at <paramref name="next"/> (0: last).</summary>
    public byte[] Encode(long at, long next, bool big)
    {
        var block = new byte[Size(big)];
        var span = block.AsSpan();
        int pos = 0;
        if (big) { BinaryPrimitives.WriteUInt64LittleEndian(span, (ulong)_entries.Count); pos = 8; }
        else { BinaryPrimitives.WriteUInt16LittleEndian(span, checked((ushort)_entries.Count)); pos = 2; }
        long extra = pos + (long)_entries.Count * EntrySize(big) + (big ? 8 : 4);
        foreach (var (tag, (type, count, bytes)) in _entries)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(span[pos..], tag);
            BinaryPrimitives.WriteUInt16LittleEndian(span[(pos + 2)..], type);
            if (big) BinaryPrimitives.WriteUInt64LittleEndian(span[(pos + 4)..], (ulong)count);
            else BinaryPrimitives.WriteUInt32LittleEndian(span[(pos + 4)..], checked((uint)count));
            int valueAt = pos + (big ? 12 : 8);
            if (bytes.Length <= InlineSize(big)) bytes.CopyTo(span[valueAt..]);
            else
            {
                if (big) BinaryPrimitives.WriteUInt64LittleEndian(span[valueAt..], (ulong)(at + extra));
                else BinaryPrimitives.WriteUInt32LittleEndian(span[valueAt..], checked((uint)(at + extra)));
                bytes.CopyTo(span[(int)extra..]);
                extra += Align(bytes.Length);
            }
            pos += EntrySize(big);
        }
        if (big) BinaryPrimitives.WriteUInt64LittleEndian(span[pos..], (ulong)next);
        else BinaryPrimitives.WriteUInt32LittleEndian(span[pos..], checked((uint)next));
        return block;
    }

    private static long Align(long n) => (n + 1) & ~1L;
}
