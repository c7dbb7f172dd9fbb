using RangeOrleans.Core.Banks;
using RangeOrleans.Core.Formats;
using RangeOrleans.Core.Formats.Numpy;

namespace RangeOrleans.Core.Tests.Banks;

/// <summary>Damaged files must fail with a RangeFormatException (or read back as something valid), never crash.</summary>
public class CorruptBankFileTests
{
    [Fact]
    public void DamagedArrowBankFilesFailCleanly()
    {
        var stream = new MemoryStream();
        ArrowBankFile.Write(BankSamples.Make(6, keyDim: 2, valueDim: 3), stream, batchRows: 4);
        var original = stream.ToArray();
        var random = new Random(7);
        for (int trial = 0; trial < 300; trial++)
        {
            var bytes = (byte[])original.Clone();
            if (trial % 3 == 0) bytes = bytes[..random.Next(bytes.Length)];
            else bytes[random.Next(bytes.Length)] ^= (byte)random.Next(1, 256);
            try { ArrowBankFile.Read(new MemoryStream(bytes), "damaged.arrow"); }
            catch (RangeFormatException) { }
        }
    }

    [Fact]
    public void DamagedNpzFilesFailCleanly()
    {
        using var dir = new TempDir();
        var good = dir.File("good.npz");
        RangeDatabaseNpz.Export(BankSamples.Make(4, keyDim: 2, valueDim: 2), good);
        var original = File.ReadAllBytes(good);
        var random = new Random(11);
        var path = dir.File("damaged.npz");
        for (int trial = 0; trial < 200; trial++)
        {
            var bytes = (byte[])original.Clone();
            if (trial % 3 == 0) bytes = bytes[..random.Next(bytes.Length)];
            else bytes[random.Next(bytes.Length)] ^= (byte)random.Next(1, 256);
            File.WriteAllBytes(path, bytes);
            try { RangeDatabaseNpz.Import(path); }
            catch (RangeFormatException) { }
        }
    }
}
