using System.Buffers.Binary;
using System.Globalization;
using System.Numerics;
using System.Text;

namespace RangeOrleans.Core.Formats.Pickle;

/// <summary>
/// A pickle virtual machine (protocols 0-5) that builds only plain data: dicts, lists, tuples,
/// strings, numbers, bytes, sets and torch tensor references. Globals are checked against
/// <see cref="PickleAllowList"/> the moment they are read; REDUCE/NEWOBJ/BUILD are interpreted for those
/// few names only. Nothing is ever resolved by name or executed, so a hostile file can at worst be
/// refused. Every malformed input raises <see cref="RangeFormatException"/> naming the byte offset.
/// </summary>
public sealed class SafeUnpickler
{
    private static readonly UTF8Encoding StrictUtf8 = new(false, true);

    private readonly string _source;
    private readonly UnpicklerLimits _limits;
    private readonly Func<TorchTensorRef, object?> _tensorFactory;

    private ReadOnlyMemory<byte> _data;
    private int _pos;
    private int _opOffset;
    private readonly List<object?> _stack = [];
    private readonly List<int> _marks = [];
    private readonly Dictionary<long, object?> _memo = [];

    /// <param name="source">Name used in error messages (file path and archive member).</param>
    /// <param name="limits">Bounds against pathological input; <see cref="UnpicklerLimits.Default"/> if null.</param>
    /// <param name="tensorFactory">
    /// Turns each <c>_rebuild_tensor_v2</c> call into the value placed in the graph (e.g. a loaded
    /// tensor). By default the <see cref="TorchTensorRef"/> itself is kept.
    /// </param>
    public SafeUnpickler(string source, UnpicklerLimits? limits = null, Func<TorchTensorRef, object?>? tensorFactory = null)
    {
        _source = source;
        _limits = limits ?? UnpicklerLimits.Default;
        _tensorFactory = tensorFactory ?? (t => t);
    }

    /// <summary>Unpickles one object (up to the first STOP).</summary>
    public static object? Load(ReadOnlyMemory<byte> data, string source, UnpicklerLimits? limits = null,
        Func<TorchTensorRef, object?>? tensorFactory = null) =>
        new SafeUnpickler(source, limits, tensorFactory).Load(data);

    /// <summary>Unpickles one object (up to the first STOP). An instance may be reused.</summary>
    public object? Load(ReadOnlyMemory<byte> data)
    {
        _data = data;
        _pos = 0;
        _stack.Clear();
        _marks.Clear();
        _memo.Clear();
        try
        {
            return Run();
        }
        finally
        {
            _stack.Clear();
            _marks.Clear();
            _memo.Clear();
        }
    }

    private object? Run()
    {
        while (true)
        {
            _opOffset = _pos;
            if (_pos >= _data.Length) throw Fail("truncated pickle: no STOP opcode");
            byte op = _data.Span[_pos++];
            switch (op)
            {
                case PickleOpcode.Proto:
                    int proto = ReadByte();
                    if (proto > 5) throw Fail($"unsupported pickle protocol {proto}");
                    break;
                case PickleOpcode.Frame:
                    // Frames only group opcodes for buffered I/O; the data is already in memory.
                    ulong frame = BinaryPrimitives.ReadUInt64LittleEndian(Take(8));
                    if (frame > (ulong)Remaining) throw Fail($"frame of {frame} bytes exceeds the {Remaining} bytes left");
                    break;
                case PickleOpcode.Stop:
                    return Pop();

                case PickleOpcode.Mark:
                    if (_marks.Count >= _limits.MaxMarkDepth) throw Fail($"more than {_limits.MaxMarkDepth} nested marks");
                    _marks.Add(_stack.Count);
                    break;
                case PickleOpcode.Pop:
                    if (_stack.Count > CurrentMarkBase) _stack.RemoveAt(_stack.Count - 1);
                    else PopMark();
                    break;
                case PickleOpcode.PopMark:
                    PopMark();
                    break;
                case PickleOpcode.Dup:
                    Push(Peek());
                    break;

                case PickleOpcode.None: Push(null); break;
                case PickleOpcode.NewTrue: Push(true); break;
                case PickleOpcode.NewFalse: Push(false); break;

                case PickleOpcode.BinInt: Push((long)BinaryPrimitives.ReadInt32LittleEndian(Take(4))); break;
                case PickleOpcode.BinInt1: Push((long)ReadByte()); break;
                case PickleOpcode.BinInt2: Push((long)BinaryPrimitives.ReadUInt16LittleEndian(Take(2))); break;
                case PickleOpcode.Long1: Push(ReadLittleEndianLong(ReadByte())); break;
                case PickleOpcode.Long4: Push(ReadLittleEndianLong(ReadLength(4))); break;
                case PickleOpcode.Int: Push(ParseTextInt(ReadAsciiLine(), allowBool: true)); break;
                case PickleOpcode.Long: Push(ParseTextInt(ReadAsciiLine().TrimEnd('L'), allowBool: false)); break;
                case PickleOpcode.BinFloat: Push(BinaryPrimitives.ReadDoubleBigEndian(Take(8))); break;
                case PickleOpcode.Float: Push(ParseTextFloat(ReadAsciiLine())); break;

                case PickleOpcode.BinUnicode: Push(DecodeUtf8(Take(ReadLength(4)))); break;
                case PickleOpcode.ShortBinUnicode: Push(DecodeUtf8(Take(ReadByte()))); break;
                case PickleOpcode.BinUnicode8: Push(DecodeUtf8(Take(ReadLength(8)))); break;
                case PickleOpcode.Unicode: Push(DecodeRawUnicodeEscape(ReadLine())); break;
                case PickleOpcode.BinString: Push(DecodeUtf8(Take(ReadLength(4)))); break;
                case PickleOpcode.ShortBinString: Push(DecodeUtf8(Take(ReadByte()))); break;
                case PickleOpcode.BinBytes: Push(Take(ReadLength(4)).ToArray()); break;
                case PickleOpcode.ShortBinBytes: Push(Take(ReadByte()).ToArray()); break;
                case PickleOpcode.BinBytes8: Push(Take(ReadLength(8)).ToArray()); break;

                case PickleOpcode.EmptyDict: Push(new PyDict()); break;
                case PickleOpcode.EmptyList: Push(new List<object?>()); break;
                case PickleOpcode.EmptyTuple: Push(PyTuple.Empty); break;
                case PickleOpcode.EmptySet: Push(new PySet(frozen: false)); break;
                case PickleOpcode.Tuple: Push(new PyTuple(PopMark())); break;
                case PickleOpcode.Tuple1: { var a = Pop(); Push(new PyTuple(a)); break; }
                case PickleOpcode.Tuple2: { var b = Pop(); var a = Pop(); Push(new PyTuple(a, b)); break; }
                case PickleOpcode.Tuple3: { var c = Pop(); var b = Pop(); var a = Pop(); Push(new PyTuple(a, b, c)); break; }
                case PickleOpcode.List: Push(new List<object?>(PopMark())); break;
                case PickleOpcode.Dict:
                {
                    var items = PopMark();
                    var dict = new PyDict();
                    SetItems(dict, items);
                    Push(dict);
                    break;
                }
                case PickleOpcode.FrozenSet:
                {
                    var set = new PySet(frozen: true);
                    set.Items.AddRange(PopMark());
                    Push(set);
                    break;
                }
                case PickleOpcode.Append:
                {
                    var value = Pop();
                    Expect<List<object?>>(Peek(), "APPEND target").Add(value);
                    break;
                }
                case PickleOpcode.Appends:
                {
                    var items = PopMark();
                    Expect<List<object?>>(Peek(), "APPENDS target").AddRange(items);
                    break;
                }
                case PickleOpcode.SetItem:
                {
                    var value = Pop();
                    var key = Pop();
                    SetItems(Expect<PyDict>(Peek(), "SETITEM target"), [key, value]);
                    break;
                }
                case PickleOpcode.SetItems:
                {
                    var items = PopMark();
                    SetItems(Expect<PyDict>(Peek(), "SETITEMS target"), items);
                    break;
                }
                case PickleOpcode.AddItems:
                {
                    var items = PopMark();
                    Expect<PySet>(Peek(), "ADDITEMS target").Items.AddRange(items);
                    break;
                }

                case PickleOpcode.Put: MemoPut(ParseMemoIndex(ReadAsciiLine())); break;
                case PickleOpcode.BinPut: MemoPut(ReadByte()); break;
                case PickleOpcode.LongBinPut: MemoPut(BinaryPrimitives.ReadUInt32LittleEndian(Take(4))); break;
                case PickleOpcode.Memoize: MemoPut(_memo.Count); break;
                case PickleOpcode.Get: MemoGet(ParseMemoIndex(ReadAsciiLine())); break;
                case PickleOpcode.BinGet: MemoGet(ReadByte()); break;
                case PickleOpcode.LongBinGet: MemoGet(BinaryPrimitives.ReadUInt32LittleEndian(Take(4))); break;

                case PickleOpcode.Global:
                {
                    var module = ReadAsciiLine();
                    var name = ReadAsciiLine();
                    Push(ResolveGlobal(module, name));
                    break;
                }
                case PickleOpcode.StackGlobal:
                {
                    var name = Pop();
                    var module = Pop();
                    if (module is not string m || name is not string n) throw Fail("STACK_GLOBAL needs two strings");
                    Push(ResolveGlobal(m, n));
                    break;
                }
                case PickleOpcode.Reduce:
                {
                    var args = Pop();
                    var callable = Pop();
                    Push(Reduce(callable, Expect<PyTuple>(args, "REDUCE arguments")));
                    break;
                }
                case PickleOpcode.NewObj:
                {
                    var args = Expect<PyTuple>(Pop(), "NEWOBJ arguments");
                    Push(NewObject(Pop(), args, null));
                    break;
                }
                case PickleOpcode.NewObjEx:
                {
                    var kwargs = Expect<PyDict>(Pop(), "NEWOBJ_EX keyword arguments");
                    var args = Expect<PyTuple>(Pop(), "NEWOBJ_EX arguments");
                    Push(NewObject(Pop(), args, kwargs));
                    break;
                }
                case PickleOpcode.Build:
                {
                    var state = Pop();
                    Build(Peek(), state);
                    break;
                }
                case PickleOpcode.BinPersId: Push(PersistentLoad(Pop())); break;
                case PickleOpcode.PersId: Push(PersistentLoad(ReadAsciiLine())); break;

                default:
                    throw Fail($"unknown or unsupported pickle opcode 0x{op:x2}");
            }
        }
    }

    // ----- globals and the calls we understand -----

    private PyGlobal ResolveGlobal(string module, string name)
    {
        if (!PickleAllowList.IsAllowed(module, name))
            throw new UnsafePickleException(_source, $"refused pickle global '{module}.{name}' at byte offset {_opOffset}");
        return new PyGlobal(module, name);
    }

    private object? Reduce(object? callable, PyTuple args)
    {
        if (callable is not PyGlobal g) throw Fail($"REDUCE on a non-callable {Describe(callable)}");
        switch (g.FullName)
        {
            case PickleAllowList.OrderedDict:
            case PickleAllowList.AttributeDictFabric:
            case PickleAllowList.AttributeDictPl:
            {
                var dict = new PyDict(g.FullName);
                if (args.Count > 1) throw Fail($"{g.FullName}() takes at most one argument");
                if (args.Count == 1) FillDict(dict, args[0]);
                return dict;
            }
            case PickleAllowList.RebuildTensorV2:
                return _tensorFactory(RebuildTensor(args));
            case PickleAllowList.RebuildParameter:
                // (data, requires_grad, backward_hooks): a Parameter is its data for our purposes.
                if (args.Count < 1) throw Fail("_rebuild_parameter needs its data argument");
                return args[0];
            case PickleAllowList.TorchVersion:
                if (args.Count != 1 || args[0] is not string version) throw Fail("TorchVersion expects one string");
                return version;
            case PickleAllowList.TorchSize:
                if (args.Count != 1) throw Fail("torch.Size expects one tuple");
                return args[0] switch
                {
                    PyTuple t => t,
                    List<object?> l => new PyTuple(l.ToArray()),
                    _ => throw Fail("torch.Size expects one tuple"),
                };
            case PickleAllowList.CodecsEncode:
                return Encode(args);
            case PickleAllowList.BuiltinsSet:
            case PickleAllowList.BuiltinsFrozenSet:
                return MakeSet(g, args);
            default:
                throw new UnsafePickleException(_source, $"refused call of pickle global '{g.FullName}' at byte offset {_opOffset}");
        }
    }

    private object NewObject(object? cls, PyTuple args, PyDict? kwargs)
    {
        if (cls is not PyGlobal g) throw Fail($"NEWOBJ on a non-class {Describe(cls)}");
        if (kwargs is { Count: > 0 }) throw Fail($"NEWOBJ_EX keyword arguments for {g.FullName} are not supported");
        switch (g.FullName)
        {
            case PickleAllowList.OrderedDict:
            case PickleAllowList.AttributeDictFabric:
            case PickleAllowList.AttributeDictPl:
            {
                // Python's copyreg passes no arguments; the items follow as SETITEMS.
                var dict = new PyDict(g.FullName);
                if (args.Count == 1) FillDict(dict, args[0]);
                else if (args.Count > 1) throw Fail($"{g.FullName}.__new__ takes at most one argument");
                return dict;
            }
            case PickleAllowList.BuiltinsSet:
            case PickleAllowList.BuiltinsFrozenSet:
                return MakeSet(g, args);
            default:
                throw new UnsafePickleException(_source, $"refused instantiation of pickle global '{g.FullName}' at byte offset {_opOffset}");
        }
    }

    private void Build(object? target, object? state)
    {
        // Only dict subclasses take state here (e.g. a state dict's _metadata); the state of anything
        // else would mean running a __setstate__ we do not know.
        if (target is not PyDict dict) throw Fail($"BUILD on {Describe(target)} is not supported");
        if (state is null) return;
        PyDict? attributes = state switch
        {
            PyDict d => d,
            PyTuple { Count: 2 } t when t[0] is PyDict or null && t[1] is PyDict or null => Merge(t[0] as PyDict, t[1] as PyDict),
            _ => throw Fail($"BUILD state {Describe(state)} for {dict.ClassName} is not supported"),
        };
        if (attributes == null) return;
        dict.Attributes ??= new PyDict();
        foreach (var kv in attributes) dict.Attributes.Set(kv.Key, kv.Value);
    }

    private static PyDict? Merge(PyDict? a, PyDict? b)
    {
        if (a == null) return b;
        if (b == null) return a;
        var m = new PyDict();
        foreach (var kv in a) m.Set(kv.Key, kv.Value);
        foreach (var kv in b) m.Set(kv.Key, kv.Value);
        return m;
    }

    private TorchTensorRef RebuildTensor(PyTuple args)
    {
        // _rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad, backward_hooks[, metadata])
        if (args.Count is < 4 or > 7) throw Fail($"_rebuild_tensor_v2 with {args.Count} arguments");
        if (args[0] is not TorchStorageRef storage) throw Fail($"_rebuild_tensor_v2 storage is {Describe(args[0])}");
        long offset = ToLong(args[1], "storage offset");
        var size = ToLongs(args[2], "size");
        var stride = ToLongs(args[3], "stride");
        if (size.Length != stride.Length) throw Fail($"tensor size has {size.Length} dims but stride has {stride.Length}");
        bool requiresGrad = args.Count > 4 && args[4] is true;
        return new TorchTensorRef(storage, offset, size, stride, requiresGrad);
    }

    private TorchStorageRef PersistentLoad(object? pid)
    {
        // torch.save: ('storage', storage_type, key, location, numel)
        if (pid is not PyTuple { Count: 5 } t || t[0] is not "storage")
            throw Fail($"unsupported persistent id {Describe(pid)}");
        if (t[1] is not PyGlobal type || !PickleAllowList.TryGetStorageDType(type, out var dtype))
            throw Fail($"persistent id storage type {Describe(t[1])} is not a known storage class or dtype");
        if (t[2] is not string key || key.Length == 0) throw Fail("persistent id storage key is not a string");
        if (t[3] is not string location) throw Fail("persistent id storage location is not a string");
        long numel = ToLong(t[4], "storage element count");
        if (numel < 0) throw Fail($"negative storage element count {numel}");
        return new TorchStorageRef(key, dtype, location, numel);
    }

    private byte[] Encode(PyTuple args)
    {
        // Python 2 byte strings arrive as _codecs.encode(unicode_text, 'latin1').
        if (args.Count is < 1 or > 2 || args[0] is not string text) throw Fail("_codecs.encode expects (str, encoding)");
        var encoding = args.Count == 2 ? args[1] as string : "utf-8";
        switch (encoding?.ToLowerInvariant().Replace('_', '-'))
        {
            case "latin1" or "latin-1" or "iso-8859-1":
                var bytes = new byte[text.Length];
                for (int i = 0; i < text.Length; i++)
                {
                    if (text[i] > 0xff) throw Fail("_codecs.encode: character outside latin-1");
                    bytes[i] = (byte)text[i];
                }
                return bytes;
            case "utf-8" or "utf8":
                return Encoding.UTF8.GetBytes(text);
            default:
                throw Fail($"_codecs.encode with unsupported encoding {Describe(args[1])}");
        }
    }

    private PySet MakeSet(PyGlobal g, PyTuple args)
    {
        var set = new PySet(frozen: g.FullName == PickleAllowList.BuiltinsFrozenSet);
        if (args.Count > 1) throw Fail($"{g.FullName}() takes at most one argument");
        if (args.Count == 1)
        {
            switch (args[0])
            {
                case List<object?> l: set.Items.AddRange(l); break;
                case PyTuple t: set.Items.AddRange(t); break;
                case PySet s: set.Items.AddRange(s.Items); break;
                default: throw Fail($"{g.FullName}() of {Describe(args[0])}");
            }
        }
        return set;
    }

    private void FillDict(PyDict dict, object? source)
    {
        switch (source)
        {
            case PyDict d:
                foreach (var kv in d) SetItem(dict, kv.Key, kv.Value);
                break;
            case List<object?> or PyTuple:
                foreach (var pair in (IEnumerable<object?>)source)
                {
                    var p = pair switch
                    {
                        PyTuple { Count: 2 } t => t,
                        List<object?> { Count: 2 } l => new PyTuple(l[0], l[1]),
                        _ => throw Fail($"dict item {Describe(pair)} is not a key-value pair"),
                    };
                    SetItem(dict, p[0], p[1]);
                }
                break;
            default:
                throw Fail($"cannot build a dict from {Describe(source)}");
        }
    }

    private void SetItems(PyDict dict, object?[] items)
    {
        if (items.Length % 2 != 0) throw Fail("odd number of items for SETITEMS/DICT");
        for (int i = 0; i < items.Length; i += 2) SetItem(dict, items[i], items[i + 1]);
    }

    private void SetItem(PyDict dict, object? key, object? value)
    {
        var why = PyKeyComparer.Validate(key);
        if (why != null) throw Fail(why);
        dict.Set(key, value);
    }

    // ----- stack and memo -----

    private int CurrentMarkBase => _marks.Count == 0 ? 0 : _marks[^1];

    private void Push(object? value)
    {
        if (_stack.Count >= _limits.MaxStackSize) throw Fail($"more than {_limits.MaxStackSize} values on the stack");
        _stack.Add(value);
    }

    private object? Pop()
    {
        if (_stack.Count <= CurrentMarkBase) throw Fail("stack underflow");
        var value = _stack[^1];
        _stack.RemoveAt(_stack.Count - 1);
        return value;
    }

    private object? Peek()
    {
        if (_stack.Count <= CurrentMarkBase) throw Fail("stack underflow");
        return _stack[^1];
    }

    private object?[] PopMark()
    {
        if (_marks.Count == 0) throw Fail("missing MARK");
        int start = _marks[^1];
        _marks.RemoveAt(_marks.Count - 1);
        var items = _stack.GetRange(start, _stack.Count - start).ToArray();
        _stack.RemoveRange(start, _stack.Count - start);
        return items;
    }

    private void MemoPut(long index)
    {
        if (!_memo.ContainsKey(index) && _memo.Count >= _limits.MaxMemoEntries)
            throw Fail($"more than {_limits.MaxMemoEntries} memo entries");
        _memo[index] = Peek();
    }

    private void MemoGet(long index)
    {
        if (!_memo.TryGetValue(index, out var value)) throw Fail($"memo entry {index} was never stored");
        Push(value);
    }

    // ----- reading bytes -----

    private int Remaining => _data.Length - _pos;

    private ReadOnlySpan<byte> Take(long count)
    {
        if (count < 0 || count > Remaining)
            throw Fail($"truncated pickle: needs {count} bytes, {Remaining} left");
        var span = _data.Span.Slice(_pos, (int)count);
        _pos += (int)count;
        return span;
    }

    private int ReadByte() => Take(1)[0];

    /// <summary>Reads a little-endian length field and checks it against the bytes left, before anything is allocated.</summary>
    private long ReadLength(int width)
    {
        var span = Take(width);
        ulong length = width == 4 ? BinaryPrimitives.ReadUInt32LittleEndian(span) : BinaryPrimitives.ReadUInt64LittleEndian(span);
        // A 4-byte length is signed in CPython's BINUNICODE/BINSTRING: a "negative" one is refused too.
        if (length > (ulong)Remaining)
            throw Fail($"truncated pickle or bad length: length field {length} exceeds the {Remaining} bytes left");
        return (long)length;
    }

    private ReadOnlySpan<byte> ReadLine()
    {
        var rest = _data.Span[_pos..];
        int limit = Math.Min(rest.Length, _limits.MaxLineLength + 1);
        int nl = rest[..limit].IndexOf((byte)'\n');
        if (nl < 0)
        {
            throw Fail(limit < rest.Length || rest.Length > _limits.MaxLineLength
                ? $"text argument longer than {_limits.MaxLineLength} bytes"
                : "truncated pickle: unterminated text argument");
        }
        _pos += nl + 1;
        var line = rest[..nl];
        return line.Length > 0 && line[^1] == (byte)'\r' ? line[..^1] : line;
    }

    private string ReadAsciiLine()
    {
        var line = ReadLine();
        foreach (var b in line)
        {
            if (b >= 0x80) throw Fail("non-ASCII byte in a text argument");
        }
        return Encoding.ASCII.GetString(line);
    }

    private string DecodeUtf8(ReadOnlySpan<byte> bytes)
    {
        try
        {
            return StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException e)
        {
            throw new RangeFormatException(_source, $"invalid UTF-8 string at byte offset {_opOffset}", e);
        }
    }

    private string DecodeRawUnicodeEscape(ReadOnlySpan<byte> bytes)
    {
        // raw-unicode-escape: \uXXXX and \UXXXXXXXX escapes; every other byte is a latin-1 character.
        var sb = new StringBuilder(bytes.Length);
        for (int i = 0; i < bytes.Length; i++)
        {
            if (bytes[i] == (byte)'\\' && i + 1 < bytes.Length && (bytes[i + 1] == (byte)'u' || bytes[i + 1] == (byte)'U'))
            {
                int digits = bytes[i + 1] == (byte)'u' ? 4 : 8;
                if (i + 2 + digits > bytes.Length) throw Fail("truncated \\u escape in UNICODE");
                var hex = Encoding.ASCII.GetString(bytes.Slice(i + 2, digits));
                if (!int.TryParse(hex, NumberStyles.HexNumber, CultureInfo.InvariantCulture, out int cp) || cp > 0x10FFFF || cp is >= 0xD800 and <= 0xDFFF)
                    throw Fail("bad \\u escape in UNICODE");
                sb.Append(char.ConvertFromUtf32(cp));
                i += 1 + digits;
            }
            else
            {
                sb.Append((char)bytes[i]);
            }
        }
        return sb.ToString();
    }

    private object ReadLittleEndianLong(long length)
    {
        if (length > _limits.MaxIntegerBytes) throw Fail($"integer of {length} bytes exceeds {_limits.MaxIntegerBytes}");
        var bytes = Take(length);
        return Normalize(new BigInteger(bytes, isUnsigned: false, isBigEndian: false));
    }

    private object ParseTextInt(string text, bool allowBool)
    {
        if (allowBool && text == "00") return false;
        if (allowBool && text == "01") return true;
        if (text.Length > _limits.MaxIntegerBytes) throw Fail($"integer of {text.Length} digits exceeds {_limits.MaxIntegerBytes}");
        if (!BigInteger.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
            throw Fail($"bad integer literal '{Truncate(text)}'");
        return Normalize(value);
    }

    private double ParseTextFloat(string text) => text switch
    {
        "inf" => double.PositiveInfinity,
        "-inf" => double.NegativeInfinity,
        "nan" => double.NaN,
        _ => double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d)
            ? d : throw Fail($"bad float literal '{Truncate(text)}'"),
    };

    private long ParseMemoIndex(string text) =>
        long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var i) ? i : throw Fail($"bad memo index '{Truncate(text)}'");

    // ----- helpers -----

    private static object Normalize(BigInteger value) =>
        value >= long.MinValue && value <= long.MaxValue ? (object)(long)value : value;

    private long ToLong(object? value, string what) => value switch
    {
        long l => l,
        bool b => b ? 1 : 0,
        _ => throw Fail($"{what} is {Describe(value)}, not an integer"),
    };

    private long[] ToLongs(object? value, string what)
    {
        if (value is not PyTuple t) throw Fail($"tensor {what} is {Describe(value)}, not a tuple");
        if (t.Count > _limits.MaxTensorDims) throw Fail($"tensor {what} has {t.Count} dims, more than {_limits.MaxTensorDims}");
        var result = new long[t.Count];
        for (int i = 0; i < t.Count; i++) result[i] = ToLong(t[i], $"tensor {what}[{i}]");
        return result;
    }

    private T Expect<T>(object? value, string what) where T : class =>
        value as T ?? throw Fail($"{what} is {Describe(value)}, expected {typeof(T).Name}");

    private static string Describe(object? value) => value switch
    {
        null => "None",
        string s => $"'{Truncate(s)}'",
        PyGlobal g => g.FullName,
        PyTuple t => $"a tuple of {t.Count}",
        _ => value.GetType().Name,
    };

    private static string Truncate(string s) => s.Length <= 60 ? s : s[..60] + "...";

    private RangeFormatException Fail(string detail) => new(_source, $"{detail} at byte offset {_opOffset}");
}
