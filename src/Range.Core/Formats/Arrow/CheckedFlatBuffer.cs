using System.Buffers.Binary;

namespace RangeOrleans.Core.Formats.Arrow;

/// <summary>
/// Reads FlatBuffers tables from untrusted bytes with every offset and length checked against the
/// buffer, so metadata can be validated before a library trusts it. Layout (flatbuffers.dev,
/// "internals"): the buffer starts with a uoffset (u32, forward) to the root table; a table starts
/// with an soffset (i32) back to its vtable (u16 vtable size, u16 table size, then one u16 offset per
/// field, 0 = absent); a reference field holds a forward uoffset to a table, vector or string; a vector
/// (or string) is a u32 element count followed by the elements. Positions are relative to the buffer;
/// <paramref name="fileOffset"/> turns them into file offsets for error messages.
/// </summary>
internal readonly ref struct CheckedFlatBuffer(ReadOnlySpan<byte> bytes, long fileOffset, string source, string what)
{
    private readonly ReadOnlySpan<byte> _bytes = bytes;

    public int Length => _bytes.Length;

    /// <summary>The root table.</summary>
    public int Root() => Table(Follow(0));

    /// <summary>Checks that a table and its vtable lie inside the buffer; returns its position.</summary>
    public int Table(int position)
    {
        int vtable = checked((int)(position - (long)ReadInt32(position)));
        Require(vtable >= 0 && vtable <= _bytes.Length - 4, position, "table points to a vtable outside the metadata");
        int vtableSize = BinaryPrimitives.ReadUInt16LittleEndian(_bytes[vtable..]);
        Require(vtableSize >= 4 && vtableSize % 2 == 0 && vtable + vtableSize <= _bytes.Length, vtable, $"vtable of {vtableSize} bytes does not fit");
        return position;
    }

    /// <summary>The position of field <paramref name="index"/> of a table (checked to hold <paramref name="size"/> bytes), or -1 when absent.</summary>
    public int Field(int table, int index, int size)
    {
        int vtable = (int)(table - (long)ReadInt32(table));
        int vtableSize = BinaryPrimitives.ReadUInt16LittleEndian(_bytes[vtable..]);
        int entry = 4 + 2 * index;
        if (entry + 2 > vtableSize) return -1;
        int offset = BinaryPrimitives.ReadUInt16LittleEndian(_bytes[(vtable + entry)..]);
        if (offset == 0) return -1;
        int position = table + offset;
        Require(position <= _bytes.Length - size, table, $"field {index} lies outside the metadata");
        return position;
    }

    public long Int64(int table, int index) => Field(table, index, 8) is var p and >= 0 ? BinaryPrimitives.ReadInt64LittleEndian(_bytes[p..]) : 0;

    public int UInt8(int table, int index) => Field(table, index, 1) is var p and >= 0 ? _bytes[p] : 0;

    /// <summary>The table a reference field points to, or -1 when absent.</summary>
    public int TableField(int table, int index) => Field(table, index, 4) is var p and >= 0 ? Table(Follow(p)) : -1;

    /// <summary>
    /// The start and element count of a vector (or string) field, checked so that count x
    /// <paramref name="elementSize"/> bytes fit in the buffer: a declared length never exceeds what the
    /// metadata could hold. (0, 0) when absent.
    /// </summary>
    public (int Start, int Count) Vector(int table, int index, int elementSize)
    {
        int p = Field(table, index, 4);
        if (p < 0) return (0, 0);
        int vector = Follow(p);
        Require(vector <= _bytes.Length - 4, p, "vector lies outside the metadata");
        uint count = BinaryPrimitives.ReadUInt32LittleEndian(_bytes[vector..]);
        long room = _bytes.Length - (vector + 4L);
        Require((ulong)count * (ulong)elementSize <= (ulong)room, vector,
            $"vector declares {count} elements of {elementSize} bytes but only {room} bytes of metadata follow");
        return (vector + 4, (int)count);
    }

    /// <summary>The table an element of a vector of tables points to.</summary>
    public int TableAt(int elementPosition) => Table(Follow(elementPosition));

    public long Int64At(int position) => BinaryPrimitives.ReadInt64LittleEndian(_bytes[position..]);

    public int Int32At(int position) => BinaryPrimitives.ReadInt32LittleEndian(_bytes[position..]);

    /// <summary>Throws a <see cref="RangeFormatException"/> naming the file offset of <paramref name="position"/> unless <paramref name="condition"/>.</summary>
    public void Require(bool condition, long position, string detail)
    {
        if (!condition)
            throw new RangeFormatException(source, $"malformed Arrow IPC {what} at byte {fileOffset + position}: {detail}");
    }

    // A uoffset is unsigned and forward: the target is after the field, inside the buffer.
    private int Follow(int position)
    {
        uint offset = (uint)ReadInt32(position);
        long target = position + (long)offset;
        Require(target <= _bytes.Length - 4, position, $"offset {offset} points outside the metadata");
        return (int)target;
    }

    private int ReadInt32(int position)
    {
        Require(position >= 0 && position <= _bytes.Length - 4, position, "reference outside the metadata");
        return BinaryPrimitives.ReadInt32LittleEndian(_bytes[position..]);
    }
}
