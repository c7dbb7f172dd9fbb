using System.Runtime.InteropServices;
using Apache.Arrow;
using Apache.Arrow.Types;

namespace RangeOrleans.Core.Formats.Arrow;

/// <summary>
/// Builds and reads the few Arrow column shapes this project stores (float64 columns and
/// fixed-size lists of float32 / float16), directly over <see cref="ArrowBuffer"/>s, and turns
/// wrong types or nulls into <see cref="RangeFormatException"/>s that name the column.
/// </summary>
internal static class ArrowColumns
{
    /// <summary>The child field of every fixed-size list column we write.</summary>
    public static Field ItemField(IArrowType itemType) => new("item", itemType, nullable: false);

    public static FixedSizeListType FloatListType(int dim) => new(ItemField(FloatType.Default), dim);

    public static FixedSizeListType HalfListType(int dim) => new(ItemField(HalfFloatType.Default), dim);

    public static DoubleArray Doubles(ReadOnlySpan<double> values) =>
        new(new ArrowBuffer(MemoryMarshal.AsBytes(values).ToArray()), ArrowBuffer.Empty, values.Length, 0, 0);

    /// <summary>A fixed-size list column over <paramref name="values"/> (rows x dim, row-major), copied once.</summary>
    public static FixedSizeListArray FloatList(ReadOnlySpan<float> values, int dim)
    {
        int rows = values.Length / dim;
        var child = new FloatArray(new ArrowBuffer(MemoryMarshal.AsBytes(values).ToArray()), ArrowBuffer.Empty, values.Length, 0, 0);
        return new FixedSizeListArray(FloatListType(dim), rows, child, ArrowBuffer.Empty, 0, 0);
    }

    /// <summary>Like <see cref="FloatList"/>, rounding each value to float16.</summary>
    public static FixedSizeListArray HalfList(ReadOnlySpan<float> values, int dim)
    {
        int rows = values.Length / dim;
        var halves = new Half[values.Length];
        for (int i = 0; i < halves.Length; i++) halves[i] = (Half)values[i];
        var child = new HalfFloatArray(new ArrowBuffer(MemoryMarshal.AsBytes(halves.AsSpan()).ToArray()), ArrowBuffer.Empty, values.Length, 0, 0);
        return new FixedSizeListArray(HalfListType(dim), rows, child, ArrowBuffer.Empty, 0, 0);
    }

    /// <summary>The index of column <paramref name="name"/>, or an error naming it.</summary>
    public static int RequireField(Schema schema, string name, string source)
    {
        int index = schema.GetFieldIndex(name, StringComparer.Ordinal);
        if (index < 0)
            throw new RangeFormatException(source, $"missing column '{name}' (columns: {string.Join(", ", schema.FieldsList.Select(f => f.Name))})");
        return index;
    }

    /// <summary>The list size of a fixed-size-list column of float32 (or float16 when allowed).</summary>
    public static int RequireVectorColumn(Schema schema, string name, string source, bool allowHalf = false)
    {
        var field = schema.GetFieldByIndex(RequireField(schema, name, source));
        if (field.DataType is FixedSizeListType list &&
            (list.ValueDataType is FloatType || (allowHalf && list.ValueDataType is HalfFloatType)))
            return list.ListSize;
        string expected = allowHalf ? "fixed_size_list<float32 or float16>" : "fixed_size_list<float32>";
        throw new RangeFormatException(source, $"column '{name}' has type {Describe(field.DataType)}, expected {expected}");
    }

    /// <summary>Copies a float64 (or float32, widened) column into <paramref name="target"/>.</summary>
    public static void CopyDoubles(IArrowArray column, string name, string source, Span<double> target, bool allowFloat = false)
    {
        RequireNoNulls(column, name, source);
        switch (column)
        {
            case DoubleArray d: d.Values.CopyTo(target); break;
            case FloatArray f when allowFloat:
                var values = f.Values;
                for (int i = 0; i < values.Length; i++) target[i] = values[i];
                break;
            default:
                throw new RangeFormatException(source, $"column '{name}' has type {Describe(column.Data.DataType)}, expected {(allowFloat ? "float64 or float32" : "float64")}");
        }
    }

    /// <summary>Copies a fixed-size list column of float32 or float16 into <paramref name="target"/> (rows x dim).</summary>
    public static void CopyVectors(IArrowArray column, string name, string source, Span<float> target)
    {
        RequireNoNulls(column, name, source);
        if (column is not FixedSizeListArray list)
            throw new RangeFormatException(source, $"column '{name}' has type {Describe(column.Data.DataType)}, expected a fixed-size list");
        int dim = ((FixedSizeListType)list.Data.DataType).ListSize;
        int start = list.Offset * dim, count = list.Length * dim;
        RequireNoNulls(list.Values, name + ".item", source);
        switch (list.Values)
        {
            case FloatArray f: f.Values.Slice(start, count).CopyTo(target); break;
            case HalfFloatArray h:
                var halves = h.Values.Slice(start, count);
                for (int i = 0; i < halves.Length; i++) target[i] = (float)halves[i];
                break;
            default:
                throw new RangeFormatException(source, $"column '{name}' holds {Describe(list.Values.Data.DataType)} items, expected float32 or float16");
        }
    }

    /// <summary>Whether an exception thrown by Apache.Arrow means the input is malformed (rather than a bug here).</summary>
    // Apache.Arrow reports some corrupt files only as NullReferenceException: it means bad input here.
    public static bool IsMalformedInput(Exception e) => e is InvalidDataException or IOException or ArgumentException
        or InvalidOperationException or IndexOutOfRangeException or OverflowException or NotSupportedException
        or InvalidCastException or NullReferenceException or EndOfStreamException && e is not RangeFormatException;

    /// <summary>An IPC file reader whose buffers can never be larger than the file (see <see cref="BoundedArrowAllocator"/>).</summary>
    public static Apache.Arrow.Ipc.ArrowFileReader OpenFileReader(Stream stream, string source, bool leaveOpen) =>
        new(stream, new BoundedArrowAllocator(LengthOf(stream), source), leaveOpen);

    /// <summary>An IPC stream reader with the same bound.</summary>
    public static Apache.Arrow.Ipc.ArrowStreamReader OpenStreamReader(Stream stream, string source, bool leaveOpen) =>
        new(stream, new BoundedArrowAllocator(LengthOf(stream), source), leaveOpen);

    private static long LengthOf(Stream stream) => stream.CanSeek ? stream.Length : int.MaxValue;

    private static void RequireNoNulls(IArrowArray column, string name, string source)
    {
        if (column.NullCount > 0)
            throw new RangeFormatException(source, $"column '{name}' has {column.NullCount} null values");
    }

    private static string Describe(IArrowType type) => type switch
    {
        FixedSizeListType l => $"fixed_size_list<{l.ValueDataType.Name}>[{l.ListSize}]",
        _ => type.Name,
    };
}
