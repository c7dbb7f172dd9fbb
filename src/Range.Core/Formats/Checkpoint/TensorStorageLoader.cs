using System.IO.Compression;
using System.Runtime.InteropServices;
using RangeOrleans.Core.Formats.Pickle;

namespace RangeOrleans.Core.Formats.Checkpoint;

/// <summary>
/// Reads torch storages (<c>&lt;name&gt;/data/&lt;key&gt;</c> zip members) on first use and keeps them, so a
/// storage shared by several tensors (views, tied weights) is read once; then copies each tensor's
/// (offset, size, stride) view out of its storage into a C-contiguous <see cref="HostTensor"/>.
/// Every index is checked against the storage before any element is touched.
/// </summary>
internal sealed class TensorStorageLoader
{
    private readonly ZipArchive _zip;
    private readonly string _archiveName;
    private readonly string _path;
    private readonly TorchCheckpointLimits _limits;
    private readonly Dictionary<string, (TorchStorageRef Ref, Array Data)> _storages = new(StringComparer.Ordinal);

    public TensorStorageLoader(ZipArchive zip, string archiveName, string path, TorchCheckpointLimits limits)
    {
        _zip = zip;
        _archiveName = archiveName;
        _path = path;
        _limits = limits;
    }

    public HostTensor Rebuild(TorchTensorRef t)
    {
        var storage = Load(t.Storage);
        long count = CheckView(t);
        // Switch on the dtype, not the array type: the CLR lets a byte[] pass as sbyte[] (and ushort[] as short[]).
        Array data = t.Storage.DType switch
        {
            TensorDType.Float64 => Gather((double[])storage, t, count),
            TensorDType.Float32 => Gather((float[])storage, t, count),
            TensorDType.Float16 => Gather((Half[])storage, t, count),
            TensorDType.BFloat16 => Gather((ushort[])storage, t, count),
            TensorDType.Int64 => Gather((long[])storage, t, count),
            TensorDType.Int32 => Gather((int[])storage, t, count),
            TensorDType.Int16 => Gather((short[])storage, t, count),
            TensorDType.Int8 => Gather((sbyte[])storage, t, count),
            TensorDType.UInt8 => Gather((byte[])storage, t, count),
            TensorDType.Bool => Gather((bool[])storage, t, count),
            _ => throw new InvalidOperationException($"unexpected storage dtype {t.Storage.DType}"),
        };
        return new HostTensor(t.Storage.DType, (long[])t.Size.Clone(), data);
    }

    /// <summary>Validates offset, sizes and strides against the storage; returns the element count.</summary>
    private long CheckView(TorchTensorRef t)
    {
        string where = $"tensor {t.ShapeText} in storage '{t.Storage.Key}'";
        if (t.StorageOffset < 0) throw Fail($"{where} has negative storage offset {t.StorageOffset}");
        long count = 1;
        long lastIndex = t.StorageOffset;
        try
        {
            for (int d = 0; d < t.Size.Length; d++)
            {
                if (t.Size[d] < 0) throw Fail($"{where} has negative size {t.Size[d]}");
                if (t.Stride[d] < 0) throw Fail($"{where} has negative stride {t.Stride[d]}");
                count = checked(count * t.Size[d]);
                if (t.Size[d] > 0) lastIndex = checked(lastIndex + (t.Size[d] - 1) * t.Stride[d]);
            }
        }
        catch (OverflowException)
        {
            throw Fail($"{where} has an element count or extent that overflows");
        }
        if (count > _limits.MaxElements) throw Fail($"{where} has {count} elements, more than the limit {_limits.MaxElements}");
        if (count > 0 && lastIndex >= t.Storage.ElementCount)
            throw Fail($"{where} reaches element {lastIndex} but the storage holds {t.Storage.ElementCount}");
        if (count == 0 && t.StorageOffset > t.Storage.ElementCount)
            throw Fail($"{where} starts at {t.StorageOffset}, past the storage's {t.Storage.ElementCount} elements");
        return count;
    }

    private static T[] Gather<T>(T[] src, TorchTensorRef t, long count)
    {
        var dst = new T[count];
        if (count == 0) return dst;
        int rank = t.Size.Length;
        if (IsContiguous(t))
        {
            Array.Copy(src, t.StorageOffset, dst, 0, count);
            return dst;
        }
        // Odometer over the multi-index; the innermost dimension is a tight strided loop.
        var index = new long[rank];
        long inner = t.Size[rank - 1], innerStride = t.Stride[rank - 1];
        long outerCount = count / inner;
        long pos = 0;
        for (long o = 0; o < outerCount; o++)
        {
            long baseOffset = t.StorageOffset;
            for (int d = 0; d < rank - 1; d++) baseOffset += index[d] * t.Stride[d];
            for (long i = 0; i < inner; i++) dst[pos++] = src[baseOffset + i * innerStride];
            for (int d = rank - 2; d >= 0; d--)
            {
                if (++index[d] < t.Size[d]) break;
                index[d] = 0;
            }
        }
        return dst;
    }

    private static bool IsContiguous(TorchTensorRef t)
    {
        long expected = 1;
        for (int d = t.Size.Length - 1; d >= 0; d--)
        {
            if (t.Size[d] != 1 && t.Stride[d] != expected) return false;
            expected *= t.Size[d];
        }
        return true;
    }

    private Array Load(TorchStorageRef s)
    {
        if (_storages.TryGetValue(s.Key, out var cached))
        {
            if (cached.Ref.DType != s.DType || cached.Ref.ElementCount != s.ElementCount)
                throw Fail($"storage '{s.Key}' is referenced as {cached.Ref.DType}[{cached.Ref.ElementCount}] and as {s.DType}[{s.ElementCount}]");
            return cached.Data;
        }
        string member = $"{_archiveName}/data/{s.Key}";
        var entry = _zip.GetEntry(member) ?? throw Fail($"storage blob '{member}' is missing");
        if (s.ElementCount > _limits.MaxElements)
            throw Fail($"storage '{s.Key}' claims {s.ElementCount} elements, more than the limit {_limits.MaxElements}");
        long expectedBytes = s.ElementCount * s.DType.ElementSize();
        if (entry.Length != expectedBytes)
            throw Fail($"storage blob '{member}' has {entry.Length} bytes, expected {s.ElementCount} x {s.DType.ElementSize()} = {expectedBytes}");
        if (!BitConverter.IsLittleEndian) throw Fail("reading little-endian storages on a big-endian host is not supported");

        Array data;
        try
        {
            data = ZipMember.Read<Array>(entry, _path, stream => s.DType switch
            {
                TensorDType.Float64 => ReadArray<double>(stream, s.ElementCount),
                TensorDType.Float32 => ReadArray<float>(stream, s.ElementCount),
                TensorDType.Float16 => ReadArray<Half>(stream, s.ElementCount),
                TensorDType.BFloat16 => ReadArray<ushort>(stream, s.ElementCount),
                TensorDType.Int64 => ReadArray<long>(stream, s.ElementCount),
                TensorDType.Int32 => ReadArray<int>(stream, s.ElementCount),
                TensorDType.Int16 => ReadArray<short>(stream, s.ElementCount),
                TensorDType.Int8 => ReadArray<sbyte>(stream, s.ElementCount),
                TensorDType.UInt8 => ReadArray<byte>(stream, s.ElementCount),
                TensorDType.Bool => Array.ConvertAll(ReadArray<byte>(stream, s.ElementCount), b => b != 0),
                _ => throw Fail($"unsupported storage dtype {s.DType}"),
            });
        }
        catch (Exception e) when (e is EndOfStreamException or InvalidDataException or IOException)
        {
            throw new RangeFormatException(_path, $"storage blob '{member}' could not be read: {e.Message}", e);
        }
        _storages[s.Key] = (s, data);
        return data;
    }

    private static T[] ReadArray<T>(Stream stream, long count) where T : unmanaged
    {
        var array = new T[count];
        // Chunked, because a span of bytes cannot exceed 2 GiB while an array of doubles can.
        int chunk = (1 << 30) / System.Runtime.CompilerServices.Unsafe.SizeOf<T>();
        for (long start = 0; start < count; start += chunk)
        {
            int n = (int)Math.Min(chunk, count - start);
            stream.ReadExactly(MemoryMarshal.AsBytes(array.AsSpan((int)start, n)));
        }
        return array;
    }

    private RangeFormatException Fail(string detail) => new(_path, detail);
}
