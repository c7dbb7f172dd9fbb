using System.Buffers.Binary;
using System.Numerics;
using System.Text;

namespace RangeOrleans.Core.Formats.Pickle;

/// <summary>
/// Emits protocol-2 pickle opcodes the way CPython's pickler does (memoizing strings, globals, tuples
/// and containers with BINPUT and reusing them with BINGET, batching SETITEMS/APPENDS by 1000), so
/// files we write have the same shape as those torch.save writes and load in real Python.
/// </summary>
internal sealed class PickleWriter
{
    private const int BatchSize = 1000;

    private readonly MemoryStream _out = new();
    private readonly Dictionary<string, int> _stringMemo = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _globalMemo = new(StringComparer.Ordinal);
    private int _nextMemo;

    public void Proto() { Op(PickleOpcode.Proto); _out.WriteByte(2); }

    public void Stop() => Op(PickleOpcode.Stop);

    public void Mark() => Op(PickleOpcode.Mark);

    public void None() => Op(PickleOpcode.None);

    public void Bool(bool value) => Op(value ? PickleOpcode.NewTrue : PickleOpcode.NewFalse);

    public void Int(long value)
    {
        // CPython save_long: the smallest of BININT1 / BININT2 / BININT, else LONG1.
        if (value is >= 0 and <= 0xff)
        {
            Op(PickleOpcode.BinInt1);
            _out.WriteByte((byte)value);
        }
        else if (value is >= 0 and <= 0xffff)
        {
            Op(PickleOpcode.BinInt2);
            Span<byte> b = stackalloc byte[2];
            BinaryPrimitives.WriteUInt16LittleEndian(b, (ushort)value);
            _out.Write(b);
        }
        else if (value is >= int.MinValue and <= int.MaxValue)
        {
            Op(PickleOpcode.BinInt);
            Span<byte> b = stackalloc byte[4];
            BinaryPrimitives.WriteInt32LittleEndian(b, (int)value);
            _out.Write(b);
        }
        else
        {
            Long(value);
        }
    }

    public void Long(BigInteger value)
    {
        if (value >= int.MinValue && value <= int.MaxValue)
        {
            Int((long)value);
            return;
        }
        var bytes = value.ToByteArray(isUnsigned: false, isBigEndian: false);
        if (bytes.Length < 256)
        {
            Op(PickleOpcode.Long1);
            _out.WriteByte((byte)bytes.Length);
        }
        else
        {
            Op(PickleOpcode.Long4);
            Span<byte> b = stackalloc byte[4];
            BinaryPrimitives.WriteInt32LittleEndian(b, bytes.Length);
            _out.Write(b);
        }
        _out.Write(bytes);
    }

    public void Float(double value)
    {
        Op(PickleOpcode.BinFloat);
        Span<byte> b = stackalloc byte[8];
        BinaryPrimitives.WriteDoubleBigEndian(b, value);
        _out.Write(b);
    }

    /// <summary>BINUNICODE, memoized by value (CPython memoizes by identity; equal strings are interned in practice).</summary>
    public void String(string value)
    {
        if (_stringMemo.TryGetValue(value, out int index))
        {
            Get(index);
            return;
        }
        var bytes = Encoding.UTF8.GetBytes(value);
        Op(PickleOpcode.BinUnicode);
        Span<byte> b = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(b, (uint)bytes.Length);
        _out.Write(b);
        _out.Write(bytes);
        _stringMemo[value] = Put();
    }

    public void Global(string module, string name)
    {
        string key = module + "\n" + name;
        if (_globalMemo.TryGetValue(key, out int index))
        {
            Get(index);
            return;
        }
        Op(PickleOpcode.Global);
        _out.Write(Encoding.ASCII.GetBytes(module + "\n" + name + "\n"));
        _globalMemo[key] = Put();
    }

    public void EmptyTuple() => Op(PickleOpcode.EmptyTuple);

    /// <summary>Closes a tuple of <paramref name="count"/> items already written (after a MARK when count &gt; 3).</summary>
    public void EndTuple(int count)
    {
        switch (count)
        {
            case 0: Op(PickleOpcode.EmptyTuple); return;
            case 1: Op(PickleOpcode.Tuple1); break;
            case 2: Op(PickleOpcode.Tuple2); break;
            case 3: Op(PickleOpcode.Tuple3); break;
            default: Op(PickleOpcode.Tuple); break;
        }
        Put();
    }

    public void EmptyDict() { Op(PickleOpcode.EmptyDict); Put(); }

    public void EmptyList() { Op(PickleOpcode.EmptyList); Put(); }

    public void Reduce() { Op(PickleOpcode.Reduce); Put(); }

    public void NewObj() { Op(PickleOpcode.NewObj); Put(); }

    public void BinPersId() => Op(PickleOpcode.BinPersId);

    /// <summary>Writes dict items in CPython's batches: SETITEM for a batch of one, MARK ... SETITEMS otherwise.</summary>
    public void DictItems<T>(IReadOnlyList<T> items, Action<T> writeKeyValue) =>
        Batched(items, writeKeyValue, PickleOpcode.SetItem, PickleOpcode.SetItems);

    /// <summary>Writes list items in CPython's batches: APPEND for a batch of one, MARK ... APPENDS otherwise.</summary>
    public void ListItems<T>(IReadOnlyList<T> items, Action<T> writeItem) =>
        Batched(items, writeItem, PickleOpcode.Append, PickleOpcode.Appends);

    private void Batched<T>(IReadOnlyList<T> items, Action<T> write, byte one, byte many)
    {
        for (int start = 0; start < items.Count; start += BatchSize)
        {
            int n = Math.Min(BatchSize, items.Count - start);
            if (n == 1)
            {
                write(items[start]);
                Op(one);
                continue;
            }
            Mark();
            for (int i = start; i < start + n; i++) write(items[i]);
            Op(many);
        }
    }

    public byte[] ToArray() => _out.ToArray();

    private int Put()
    {
        int index = _nextMemo++;
        Memo(PickleOpcode.BinPut, PickleOpcode.LongBinPut, index);
        return index;
    }

    private void Get(int index) => Memo(PickleOpcode.BinGet, PickleOpcode.LongBinGet, index);

    /// <summary>A memo opcode with a one-byte index where it fits, else the four-byte form.</summary>
    private void Memo(byte shortOp, byte longOp, int index)
    {
        if (index < 256)
        {
            Op(shortOp);
            _out.WriteByte((byte)index);
            return;
        }
        Op(longOp);
        Span<byte> b = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(b, (uint)index);
        _out.Write(b);
    }

    private void Op(byte opcode) => _out.WriteByte(opcode);
}
