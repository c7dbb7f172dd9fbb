using RangeOrleans.Core.Formats;
using RangeOrleans.Core.Formats.Numpy;

namespace RangeOrleans.Core.Tests.Formats.Numpy;

public class NpyReaderTests
{
    private static HostTensor ReadBytes(byte[] bytes, long? maxElements = null) =>
        NpyReader.Read(new MemoryStream(bytes), "test.npy", bytes.Length, maxElements);

    [Fact]
    public void ReadsFixturePointsWithValuesFromTheRawBytes()
    {
        var t = NpyReader.Read(TestData.Fixture("satclip_l10/points_lonlat.npy"));
        Assert.Equal(TensorDType.Float64, t.DType);
        Assert.Equal(new long[] { 400, 2 }, t.Shape);
        var d = (double[])t.Data;
        // Expected values decoded from the file's payload with python3 struct.unpack('<d', ...).
        Assert.Equal(180.0, d[2]);
        Assert.Equal(179.9999, d[6]);
        Assert.Equal(45.0, d[7]);
        Assert.Equal(-129.7715866098141, d[798]);
        Assert.Equal(31.461065379849614, d[799]);
    }

    [Fact]
    public void ReadsFortranOrderAsRowMajor()
    {
        // The 2x3 matrix [[1,2,3],[4,5,6]] stored column by column.
        var bytes = NpyBytes.Build("{'descr': '<i4', 'fortran_order': True, 'shape': (2, 3), }",
            NpyBytes.Int32LittleEndian(1, 4, 2, 5, 3, 6));
        var t = ReadBytes(bytes);
        Assert.Equal(new long[] { 2, 3 }, t.Shape);
        Assert.Equal(new[] { 1, 2, 3, 4, 5, 6 }, (int[])t.Data);
    }

    [Fact]
    public void ReadsThreeDimensionalFortranOrderAsRowMajor()
    {
        // Fortran element (i, j, k) sits at i + 2j + 6k; give it the value 100i + 10j + k.
        var fortran = new int[24];
        for (int i = 0; i < 2; i++)
            for (int j = 0; j < 3; j++)
                for (int k = 0; k < 4; k++)
                    fortran[i + 2 * j + 6 * k] = 100 * i + 10 * j + k;
        var bytes = NpyBytes.Build("{'descr': '<i4', 'fortran_order': True, 'shape': (2, 3, 4), }", NpyBytes.Int32LittleEndian(fortran));
        var c = (int[])ReadBytes(bytes).Data;
        for (int i = 0; i < 2; i++)
            for (int j = 0; j < 3; j++)
                for (int k = 0; k < 4; k++)
                    Assert.Equal(100 * i + 10 * j + k, c[i * 12 + j * 4 + k]);
    }

    [Fact]
    public void ConvertsBigEndianToNative()
    {
        var bytes = NpyBytes.Build("{'descr': '>f8', 'fortran_order': False, 'shape': (3,), }", NpyBytes.Float64BigEndian(1.5, -2.25, 1e300));
        Assert.Equal(new[] { 1.5, -2.25, 1e300 }, (double[])ReadBytes(bytes).Data);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public void ReadsVersion2And3Headers(byte major)
    {
        var bytes = NpyBytes.Build("{'descr': '<i4', 'fortran_order': False, 'shape': (2,), }", NpyBytes.Int32LittleEndian(7, -8), major);
        Assert.Equal(new[] { 7, -8 }, (int[])ReadBytes(bytes).Data);
    }

    [Fact]
    public void ReadsSmallIntegerAndBoolTypes()
    {
        var bools = ReadBytes(NpyBytes.Build("{'descr': '|b1', 'fortran_order': False, 'shape': (3,), }", new byte[] { 1, 0, 1 }));
        Assert.Equal(new[] { true, false, true }, (bool[])bools.Data);
        var int8 = ReadBytes(NpyBytes.Build("{'descr': '|i1', 'fortran_order': False, 'shape': (2,), }", new byte[] { 0xFF, 5 }));
        Assert.Equal(new sbyte[] { -1, 5 }, (sbyte[])int8.Data);
        var half = ReadBytes(NpyBytes.Build("{'descr': '<f2', 'fortran_order': False, 'shape': (1,), }", new byte[] { 0x00, 0x3C }));
        Assert.Equal((Half)1.0f, ((Half[])half.Data)[0]);
    }

    [Fact]
    public void ReadsScalarAndEmptyArrays()
    {
        var scalar = ReadBytes(NpyBytes.Build("{'descr': '<i4', 'fortran_order': False, 'shape': (), }", NpyBytes.Int32LittleEndian(42)));
        Assert.Empty(scalar.Shape);
        Assert.Equal(42, ((int[])scalar.Data)[0]);
        var empty = ReadBytes(NpyBytes.Build("{'descr': '<f8', 'fortran_order': False, 'shape': (0, 5), }", []));
        Assert.Equal(0, empty.ElementCount);
    }

    [Fact]
    public void RefusesHeaderClaimingMoreElementsThanPayload()
    {
        var bytes = NpyBytes.Build("{'descr': '<i4', 'fortran_order': False, 'shape': (1000, 1000), }", NpyBytes.Int32LittleEndian(1, 2));
        var e = Assert.Throws<RangeFormatException>(() => ReadBytes(bytes));
        Assert.Equal("test.npy", e.Source);
        Assert.Contains("4000000 bytes", e.Message);
    }

    [Fact]
    public void RefusesTrailingBytesAfterPayload()
    {
        var bytes = NpyBytes.Build("{'descr': '<i4', 'fortran_order': False, 'shape': (1,), }", NpyBytes.Int32LittleEndian(1, 2));
        Assert.Throws<RangeFormatException>(() => ReadBytes(bytes));
    }

    [Theory]
    [InlineData("(4611686018427387904, 4611686018427387904)", "overflows")]
    [InlineData("(100000, 100000, 100000)", "more than the limit")]
    [InlineData("(-1, 2)", "non-negative")]
    [InlineData("(99999999999999999999999,)", "64-bit")]
    public void RefusesAbsurdShapes(string shape, string expected)
    {
        var bytes = NpyBytes.Build("{'descr': '<f8', 'fortran_order': False, 'shape': " + shape + ", }", []);
        var e = Assert.Throws<RangeFormatException>(() => ReadBytes(bytes));
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void RefusesElementCountAboveCallerLimit()
    {
        var bytes = NpyBytes.Build("{'descr': '<i4', 'fortran_order': False, 'shape': (2,), }", NpyBytes.Int32LittleEndian(1, 2));
        Assert.Throws<RangeFormatException>(() => ReadBytes(bytes, maxElements: 1));
    }

    [Theory]
    [InlineData("{'descr': __import__('os').system('true'), 'fortran_order': False, 'shape': (1,), }")]
    [InlineData("{'descr': '<f8', 'fortran_order': False, 'shape': (1,), ")]
    [InlineData("{'descr': '<f8', 'fortran_order': 'no', 'shape': (1,), }")]
    [InlineData("{'descr': '<f8', 'shape': (1,), }")]
    [InlineData("{'descr': '<c16', 'fortran_order': False, 'shape': (1,), }")]
    [InlineData("{'descr': [('a', '<f8')], 'fortran_order': False, 'shape': (1,), }")]
    [InlineData("[1, 2]")]
    public void RefusesMalformedOrUnsupportedHeaders(string dict)
    {
        var bytes = NpyBytes.Build(dict, new byte[8]);
        var e = Assert.Throws<RangeFormatException>(() => ReadBytes(bytes));
        Assert.Equal("test.npy", e.Source);
    }

    [Fact]
    public void RefusesTruncatedHeaderAndMissingMagic()
    {
        var bytes = NpyBytes.Build("{'descr': '<i4', 'fortran_order': False, 'shape': (1,), }", NpyBytes.Int32LittleEndian(1));
        Assert.Throws<RangeFormatException>(() => ReadBytes(bytes[..20]));
        bytes[0] = (byte)'X';
        Assert.Contains("magic", Assert.Throws<RangeFormatException>(() => ReadBytes(bytes)).Message);
        Assert.Contains("version", Assert.Throws<RangeFormatException>(() => ReadBytes(NpyBytes.Build("{}", [], major: 9))).Message);
    }

    [Fact]
    public void MissingFileIsAFormatErrorNamingThePath()
    {
        var e = Assert.Throws<RangeFormatException>(() => NpyReader.Read("/nonexistent/x.npy"));
        Assert.Equal("/nonexistent/x.npy", e.Source);
    }
}
