using System.Numerics;
using RangeOrleans.Core.Formats;
using RangeOrleans.Core.Formats.Pickle;

namespace RangeOrleans.Core.Tests.Formats;

public class SafeUnpicklerTests
{
    private static object? Load(byte[] bytes, UnpicklerLimits? limits = null) => SafeUnpickler.Load(bytes, "test.pkl", limits);

    private static byte[] Hex(string hex) => Convert.FromHexString(hex);

    private static byte[] Bytes(params object[] parts)
    {
        var ms = new MemoryStream();
        foreach (var p in parts)
        {
            switch (p)
            {
                case string s: ms.Write(System.Text.Encoding.Latin1.GetBytes(s)); break;
                case byte[] b: ms.Write(b); break;
                case int i: ms.WriteByte((byte)i); break;
                default: throw new ArgumentException(p.ToString());
            }
        }
        return ms.ToArray();
    }

    [Fact]
    public void RefusesPickleNamingOsSystem()
    {
        // os.system('ls') as CPython writes it with protocol 2.
        var bytes = Bytes(0x80, 2, "cos\nsystem\nq\x00X\x02\x00\x00\x00lsq\x01\x85q\x02R.");
        var e = Assert.Throws<UnsafePickleException>(() => Load(bytes));
        Assert.Contains("refused pickle global 'os.system'", e.Message);
        Assert.Contains("test.pkl", e.Message);
    }

    [Theory]
    [InlineData("builtins", "eval")]
    [InlineData("subprocess", "Popen")]
    [InlineData("posix", "system")]
    [InlineData("numpy.core.multiarray", "_reconstruct")]
    [InlineData("torch", "load")]
    [InlineData("collections", "defaultdict")]
    public void RefusesStackGlobalOutsideAllowList(string module, string name)
    {
        var m = System.Text.Encoding.ASCII.GetBytes(module);
        var n = System.Text.Encoding.ASCII.GetBytes(name);
        var bytes = Bytes(0x80, 4, 0x8c, m.Length, m, 0x8c, n.Length, n, 0x93, ")R.");
        var e = Assert.Throws<UnsafePickleException>(() => Load(bytes));
        Assert.Contains($"refused pickle global '{module}.{name}'", e.Message);
    }

    [Fact]
    public void RefusesReduceOnAllowedStorageClass()
    {
        // A storage class may appear in a persistent id but must never be called.
        var bytes = Bytes(0x80, 2, "ctorch\nFloatStorage\n)R.");
        var e = Assert.Throws<UnsafePickleException>(() => Load(bytes));
        Assert.Contains("torch.FloatStorage", e.Message);
    }

    [Fact]
    public void RefusesLengthFieldLargerThanInput()
    {
        // BINUNICODE8 claiming 2^40 bytes: refused from the length alone, nothing allocated.
        var bytes = Bytes(0x80, 4, 0x8d, new byte[] { 0, 0, 0, 0, 0, 0x01, 0, 0 }, "abc.");
        var e = Assert.Throws<RangeFormatException>(() => Load(bytes));
        Assert.Contains("1099511627776", e.Message);
        Assert.Contains("byte offset 2", e.Message);
    }

    [Theory]
    [InlineData("80035800000001")]          // BINUNICODE 2^24
    [InlineData("8003420000ffff")]          // BINBYTES 0xffff0000
    [InlineData("8003540000ff7f")]          // BINSTRING 2^31-2^16
    [InlineData("80048e0000000000000080")]  // BINBYTES8 2^63
    [InlineData("80028bffffffff")]          // LONG4 -1
    [InlineData("800495ffffffffffffffff")]  // FRAME huge
    public void RefusesOversizedLengthFields(string hex)
    {
        Assert.Throws<RangeFormatException>(() => Load(Hex(hex)));
    }

    [Fact]
    public void RefusesStackUnderflowNamingOffset()
    {
        var e = Assert.Throws<RangeFormatException>(() => Load(Bytes(0x80, 2, "K\x01", 0x86, ".")));
        Assert.Contains("stack underflow", e.Message);
        Assert.Contains("byte offset 4", e.Message);
    }

    [Fact]
    public void RefusesPopBelowMark()
    {
        // Values under a MARK are not reachable until the mark is closed.
        var e = Assert.Throws<RangeFormatException>(() => Load(Bytes(0x80, 2, "K\x01(", 0x85, ".")));
        Assert.Contains("stack underflow", e.Message);
    }

    [Fact]
    public void RefusesMissingMark()
    {
        var e = Assert.Throws<RangeFormatException>(() => Load(Bytes(0x80, 2, "K\x01t.")));
        Assert.Contains("missing MARK", e.Message);
        Assert.Contains("byte offset 4", e.Message);
    }

    [Fact]
    public void RefusesUnknownOpcode()
    {
        var e = Assert.Throws<RangeFormatException>(() => Load(Bytes(0x80, 2, 0xff, ".")));
        Assert.Contains("0xff", e.Message);
        Assert.Contains("byte offset 2", e.Message);
    }

    [Theory]
    [InlineData("8002")]                 // no STOP
    [InlineData("80025805000000616263")] // string cut short
    [InlineData("80024a0100")]           // BININT cut short
    [InlineData("800263636f6c6c")]       // GLOBAL line never ends
    [InlineData("")]
    public void RefusesTruncatedPickle(string hex)
    {
        var e = Assert.Throws<RangeFormatException>(() => Load(Hex(hex)));
        Assert.Contains("truncated", e.Message);
    }

    [Fact]
    public void RefusesUnsetMemoEntry()
    {
        var e = Assert.Throws<RangeFormatException>(() => Load(Bytes(0x80, 2, "h\x07.")));
        Assert.Contains("memo entry 7", e.Message);
    }

    [Fact]
    public void RefusesMarkNestingBeyondLimit()
    {
        var bytes = Bytes(0x80, 2, new string('(', 11), ".");
        var e = Assert.Throws<RangeFormatException>(() => Load(bytes, new UnpicklerLimits { MaxMarkDepth = 10 }));
        Assert.Contains("nested marks", e.Message);
    }

    [Fact]
    public void RefusesMemoBeyondLimit()
    {
        var bytes = Bytes(0x80, 4, "N", 0x94, 0x94, 0x94, ".");
        var e = Assert.Throws<RangeFormatException>(() => Load(bytes, new UnpicklerLimits { MaxMemoEntries = 2 }));
        Assert.Contains("memo entries", e.Message);
    }

    [Fact]
    public void RefusesUnhashableDictKey()
    {
        // {[]: 1}
        var e = Assert.Throws<RangeFormatException>(() => Load(Bytes(0x80, 2, "}]K\x01s.")));
        Assert.Contains("unhashable", e.Message);
    }

    [Fact]
    public void RefusesDeeplyNestedTupleKey()
    {
        // ((((...)))) 100 deep used as a dict key: refused before any recursive hashing.
        var bytes = Bytes(0x80, 2, "}N", Enumerable.Repeat((byte)0x85, 100).ToArray(), "K\x01s.");
        var e = Assert.Throws<RangeFormatException>(() => Load(bytes));
        Assert.Contains("nested too deeply", e.Message);
    }

    [Fact]
    public void RefusesUnknownPersistentId()
    {
        var e = Assert.Throws<RangeFormatException>(() => Load(Bytes(0x80, 2, "K\x01Q.")));
        Assert.Contains("persistent id", e.Message);
    }

    [Fact]
    public void ReadsProtocol0TextOpcodes()
    {
        // {'a': [1, 2.5, 'xé中', None, True, False], 'b': (1, 2**70, -3, -2**40), 'c': b'hi\xff', 'n': -1.5e300}
        var d = Assert.IsType<PyDict>(Load(Hex(
            "286470300a56610a70310a286c70320a49310a6146322e350a615678e95c75346532640a70330a614e614930310a614930300a617356620a70340a2849310a4c313138303539313632303731373431313330333432344c0a492d330a4c2d313039393531313632373737364c0a7470350a7356630a70360a635f636f646563730a656e636f64650a70370a28566869ff0a70380a566c6174696e310a70390a747031300a527031310a73566e0a7031320a462d312e35652b3330300a732e")));
        AssertSampleValues(d);
    }

    [Fact]
    public void ReadsProtocol2BinaryOpcodes()
    {
        var d = Assert.IsType<PyDict>(Load(Hex(
            "80027d71002858010000006171015d7102284b01474004000000000000580600000078c3a9e4b8ad71034e8889655801000000627104284b018a090000000000000000404afdffffff8a060000000000ff7471055801000000637106635f636f646563730a656e636f64650a710758040000006869c3bf710858060000006c6174696e31710986710a52710b58010000006e710c47fe41eb2d66005835752e")));
        AssertSampleValues(d);
    }

    private static void AssertSampleValues(PyDict d)
    {
        Assert.Equal(new object?[] { "a", "b", "c", "n" }, d.Keys.ToArray());
        var a = Assert.IsType<List<object?>>(d["a"]);
        Assert.Equal(new object?[] { 1L, 2.5, "x\u00e9\u4e2d", null, true, false }, a.ToArray());
        var b = Assert.IsType<PyTuple>(d["b"]);
        Assert.Equal(1L, b[0]);
        Assert.Equal(BigInteger.Pow(2, 70), b[1]);
        Assert.Equal(-3L, b[2]);
        Assert.Equal(-(1L << 40), b[3]);
        Assert.Equal(new byte[] { (byte)'h', (byte)'i', 0xff }, d["c"]);
        Assert.Equal(-1.5e300, d["n"]);
    }

    [Theory]
    [InlineData(4)]
    [InlineData(5)]
    public void ReadsProtocol4And5Opcodes(int protocol)
    {
        // {'s': {1, 2}, 'f': frozenset([3]), 'by': b'\x00\x01', 'big': 'y'*300, 'l': [0, 1, 2], 't': (), 'k': (1, 'z')}
        string hex = "8004957b010000000000007d94288c0173948f94284b014b02908c016694284b0391948c0262799443020001948c0362696794582c010000"
            + string.Concat(Enumerable.Repeat("79", 300))
            + "948c016c945d94284b004b014b02658c017494298c016b944b018c017a948694752e";
        var bytes = Hex(hex);
        bytes[1] = (byte)protocol;
        var d = Assert.IsType<PyDict>(Load(bytes));
        var s = Assert.IsType<PySet>(d["s"]);
        Assert.False(s.Frozen);
        Assert.Equal(new object?[] { 1L, 2L }, s.Items.ToArray());
        var f = Assert.IsType<PySet>(d["f"]);
        Assert.True(f.Frozen);
        Assert.Equal(new byte[] { 0, 1 }, d["by"]);
        Assert.Equal(new string('y', 300), d["big"]);
        Assert.Equal(new object?[] { 0L, 1L, 2L }, Assert.IsType<List<object?>>(d["l"]).ToArray());
        Assert.Same(PyTuple.Empty, d["t"]);
        var k = Assert.IsType<PyTuple>(d["k"]);
        Assert.Equal("z", k[1]);
    }

    [Fact]
    public void DictKeysUsePythonEquality()
    {
        // {1: 'a'} then d[1.0] and d[True] name the same key, as in Python; tuple keys compare by value.
        var d = new PyDict();
        d.Set(1L, "a");
        d.Set(new PyTuple(1L, "x"), "t");
        Assert.Equal("a", d[1.0]);
        Assert.Equal("a", d[true]);
        Assert.Equal("t", d[new PyTuple(1L, "x")]);
        d.Set(1.0, "b");
        Assert.Equal(2, d.Count);
        Assert.Equal("b", d[1L]);
    }
}
