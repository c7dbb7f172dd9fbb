using System.Collections;
using System.IO.Compression;
using System.Numerics;
using System.Runtime.InteropServices;
using System.Text;
using RangeOrleans.Core.Formats.Pickle;

namespace RangeOrleans.Core.Formats.Checkpoint;

/// <summary>
/// Writes a Lightning-style <c>torch.save</c> checkpoint in pure managed code: a zip with
/// <c>&lt;name&gt;/data.pkl</c> (pickle protocol 2, same opcode shapes as torch: tensors via
/// <c>torch._utils._rebuild_tensor_v2</c> over persistent-id storages, the state dict as a
/// <c>collections.OrderedDict</c>, hyper-parameters as Lightning's <c>AttributeDict</c>), one raw
/// little-endian blob per storage, <c>byteorder</c> and <c>version</c>. Readable by real
/// <c>torch.load(weights_only=False)</c> and by <see cref="TorchCheckpointReader"/>.
/// The file appears atomically (<see cref="PendingFile"/>).
/// </summary>
public static class TorchCheckpointWriter
{
    private const int MaxValueDepth = 100;

    /// <summary>
    /// Writes a checkpoint whose root dict holds <paramref name="extraEntries"/> (e.g. epoch,
    /// global_step, "pytorch-lightning_version"), then "state_dict", then "hyper_parameters" when given.
    /// Values may be null, bool, integers, floats, strings, byte[], <see cref="HostTensor"/>,
    /// <see cref="PyTuple"/>, <see cref="PyDict"/>, lists and string-keyed dictionaries.
    /// </summary>
    public static void Write(
        string path,
        IEnumerable<KeyValuePair<string, HostTensor>> stateDict,
        IEnumerable<KeyValuePair<string, object?>>? hyperParameters = null,
        IEnumerable<KeyValuePair<string, object?>>? extraEntries = null,
        string? archiveName = null)
    {
        var root = new PyDict();
        foreach (var kv in extraEntries ?? [])
        {
            if (kv.Key is "state_dict" or "hyper_parameters")
                throw new ArgumentException($"extra entry '{kv.Key}' is written from its own argument", nameof(extraEntries));
            root.Set(kv.Key, kv.Value);
        }
        var sd = new PyDict(PickleAllowList.OrderedDict);
        foreach (var kv in stateDict) sd.Set(kv.Key, kv.Value);
        root.Set("state_dict", sd);
        if (hyperParameters != null)
        {
            var hp = new PyDict(PickleAllowList.AttributeDictFabric);
            foreach (var kv in hyperParameters) hp.Set(kv.Key, kv.Value);
            root.Set("hyper_parameters", hp);
        }
        WriteRoot(path, root, archiveName);
    }

    /// <summary>Writes an arbitrary root object (usually a <see cref="PyDict"/>) as a torch.save checkpoint.</summary>
    public static void WriteRoot(string path, object? root, string? archiveName = null)
    {
        archiveName ??= DefaultArchiveName(path);
        if (archiveName.Length == 0 || archiveName.Contains('/') || archiveName.Contains('\\'))
            throw new ArgumentException($"bad archive name '{archiveName}'", nameof(archiveName));

        var session = new PickleSession();
        session.Writer.Proto();
        session.WriteValue(root, 0);
        session.Writer.Stop();
        var pickle = session.Writer.ToArray();

        using var pending = new PendingFile(path);
        using (var zip = new ZipArchive(pending.Stream, ZipArchiveMode.Create, leaveOpen: true))
        {
            AddEntry(zip, $"{archiveName}/data.pkl", pickle);
            AddEntry(zip, $"{archiveName}/byteorder", Encoding.ASCII.GetBytes("little"));
            for (int i = 0; i < session.Storages.Count; i++)
                AddEntry(zip, $"{archiveName}/data/{i}", StorageBytes(session.Storages[i]));
            AddEntry(zip, $"{archiveName}/version", Encoding.ASCII.GetBytes("3\n"));
        }
        pending.Commit();
    }

    private static string DefaultArchiveName(string path)
    {
        // torch.save uses the file's stem; fall back to torch's "archive" for unusual names.
        var stem = Path.GetFileNameWithoutExtension(path);
        return stem.Length > 0 && stem.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.') ? stem : "archive";
    }

    private static void AddEntry(ZipArchive zip, string name, ReadOnlySpan<byte> bytes)
    {
        // Stored (uncompressed) like torch, so storages can be read (or memory-mapped) directly.
        var entry = zip.CreateEntry(name, CompressionLevel.NoCompression);
        entry.LastWriteTime = new DateTimeOffset(1980, 1, 1, 0, 0, 0, TimeSpan.Zero);
        using var s = entry.Open();
        s.Write(bytes);
    }

    private static ReadOnlySpan<byte> StorageBytes(HostTensor t)
    {
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("writing checkpoints on a big-endian host");
        // The blob length must be numel x element size or torch (and our reader) will refuse the file.
        var expected = t.DType switch
        {
            TensorDType.Float64 => typeof(double[]),
            TensorDType.Float32 => typeof(float[]),
            TensorDType.Float16 => typeof(Half[]),
            TensorDType.BFloat16 => typeof(ushort[]),
            TensorDType.Int64 => typeof(long[]),
            TensorDType.Int32 => typeof(int[]),
            TensorDType.Int16 => typeof(short[]),
            TensorDType.Int8 => typeof(sbyte[]),
            TensorDType.UInt8 => typeof(byte[]),
            _ => typeof(bool[]),
        };
        if (t.Data.GetType() != expected)
            throw new ArgumentException($"tensor {t.ShapeText} holds {t.Data.GetType().Name}, which does not match dtype {t.DType}");
        return t.Data switch
        {
            double[] a => MemoryMarshal.AsBytes(a.AsSpan()),
            float[] a => MemoryMarshal.AsBytes(a.AsSpan()),
            Half[] a => MemoryMarshal.AsBytes(a.AsSpan()),
            ushort[] a => MemoryMarshal.AsBytes(a.AsSpan()),
            long[] a => MemoryMarshal.AsBytes(a.AsSpan()),
            int[] a => MemoryMarshal.AsBytes(a.AsSpan()),
            short[] a => MemoryMarshal.AsBytes(a.AsSpan()),
            sbyte[] a => MemoryMarshal.AsBytes(a.AsSpan()),
            byte[] a => a,
            bool[] a => Array.ConvertAll(a, z => z ? (byte)1 : (byte)0),
            _ => throw new ArgumentException($"unsupported tensor element array {t.Data.GetType()}"),
        };
    }

    /// <summary>One pickling pass: the opcode writer plus the storages met so far, keyed by tensor identity.</summary>
    private sealed class PickleSession
    {
        private readonly Dictionary<HostTensor, int> _storageKeys = new(ReferenceEqualityComparer.Instance);

        public PickleWriter Writer { get; } = new();

        public List<HostTensor> Storages { get; } = [];

        public void WriteValue(object? value, int depth)
        {
            if (depth > MaxValueDepth) throw new ArgumentException($"value nested more than {MaxValueDepth} deep (a cycle?)");
            var w = Writer;
            switch (value)
            {
                case null: w.None(); break;
                case bool b: w.Bool(b); break;
                case byte or sbyte or short or ushort or int or uint or long: w.Int(Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture)); break;
                case ulong u: w.Long(u); break;
                case BigInteger big: w.Long(big); break;
                case float f: w.Float(f); break;
                case double d: w.Float(d); break;
                case string s: w.String(s); break;
                case byte[] bytes: WriteBytes(bytes); break;
                case HostTensor t: WriteTensor(t); break;
                case PyTuple t: WriteTuple(t, depth); break;
                case object?[] arr: WriteTuple(new PyTuple(arr), depth); break;
                case PyDict d: WriteDict(d, depth); break;
                case IEnumerable<KeyValuePair<string, object?>> kvs: WriteDict(ToPyDict(kvs), depth); break;
                case IDictionary dict: WriteDict(ToPyDict(dict), depth); break;
                case IList list: WriteList(list, depth); break;
                default: throw new ArgumentException($"cannot write a value of type {value.GetType()} to a checkpoint");
            }
        }

        private static PyDict ToPyDict(IEnumerable<KeyValuePair<string, object?>> kvs)
        {
            var d = new PyDict();
            foreach (var kv in kvs) d.Set(kv.Key, kv.Value);
            return d;
        }

        private static PyDict ToPyDict(IDictionary dict)
        {
            var d = new PyDict();
            foreach (DictionaryEntry kv in dict) d.Set(kv.Key, kv.Value);
            return d;
        }

        private void WriteBytes(byte[] bytes)
        {
            // Protocol 2 has no bytes opcode; CPython writes _codecs.encode(latin1_text, 'latin1').
            Writer.Global("_codecs", "encode");
            Writer.String(string.Create(bytes.Length, bytes, (span, b) => { for (int i = 0; i < b.Length; i++) span[i] = (char)b[i]; }));
            Writer.String("latin1");
            Writer.EndTuple(2);
            Writer.Reduce();
        }

        private void WriteTuple(PyTuple t, int depth)
        {
            if (t.Count > 3) Writer.Mark();
            foreach (var item in t) WriteValue(item, depth + 1);
            Writer.EndTuple(t.Count);
        }

        private void WriteList(IList list, int depth)
        {
            Writer.EmptyList();
            var items = list.Cast<object?>().ToList();
            Writer.ListItems(items, item => WriteValue(item, depth + 1));
        }

        private void WriteDict(PyDict d, int depth)
        {
            switch (d.ClassName)
            {
                case PyDict.PlainDict:
                    Writer.EmptyDict();
                    break;
                case PickleAllowList.OrderedDict:
                    // torch: OrderedDict.__reduce__ -> (OrderedDict, ()) then the items.
                    Writer.Global("collections", "OrderedDict");
                    Writer.EmptyTuple();
                    Writer.Reduce();
                    break;
                case PickleAllowList.AttributeDictFabric:
                case PickleAllowList.AttributeDictPl:
                    // copyreg.__newobj__ for a dict subclass: cls.__new__(cls) then the items.
                    int dot = d.ClassName.LastIndexOf('.');
                    Writer.Global(d.ClassName[..dot], d.ClassName[(dot + 1)..]);
                    Writer.EmptyTuple();
                    Writer.NewObj();
                    break;
                default:
                    throw new ArgumentException($"cannot write a dict of class {d.ClassName}");
            }
            var items = d.ToList();
            Writer.DictItems(items, kv =>
            {
                WriteValue(kv.Key, depth + 1);
                WriteValue(kv.Value, depth + 1);
            });
        }

        private void WriteTensor(HostTensor t)
        {
            // _rebuild_tensor_v2((persistent storage), offset, size, stride, requires_grad, OrderedDict())
            if (!_storageKeys.TryGetValue(t, out int key))
            {
                key = Storages.Count;
                _storageKeys[t] = key;
                Storages.Add(t);
            }
            var w = Writer;
            w.Global("torch._utils", "_rebuild_tensor_v2");
            w.Mark();
            w.Mark();
            w.String("storage");
            w.Global("torch", PickleAllowList.StorageClassName(t.DType));
            w.String(key.ToString(System.Globalization.CultureInfo.InvariantCulture));
            w.String("cpu");
            w.Int(t.ElementCount);
            w.EndTuple(5);
            w.BinPersId();
            w.Int(0);
            WriteLongTuple(t.Shape);
            WriteLongTuple(ContiguousStrides(t.Shape));
            w.Bool(false);
            w.Global("collections", "OrderedDict");
            w.EmptyTuple();
            w.Reduce();
            w.EndTuple(6);
            w.Reduce();
        }

        private void WriteLongTuple(long[] values)
        {
            if (values.Length > 3) Writer.Mark();
            foreach (var v in values) Writer.Int(v);
            Writer.EndTuple(values.Length);
        }

        private static long[] ContiguousStrides(long[] shape)
        {
            // torch's contiguous strides treat zero-sized dims as 1.
            var strides = new long[shape.Length];
            long s = 1;
            for (int d = shape.Length - 1; d >= 0; d--)
            {
                strides[d] = s;
                s *= Math.Max(shape[d], 1);
            }
            return strides;
        }
    }
}
