using System.Globalization;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using RangeOrleans.Core.Banks;
using RangeOrleans.Core.Formats;
using RangeOrleans.Core.Formats.Arrow;
using RangeOrleans.Core.Formats.Checkpoint;
using RangeOrleans.Core.Formats.Numpy;
using RangeOrleans.Core.Formats.Pickle;
using RangeOrleans.Core.Points;
using RangeOrleans.Core.Tests.Formats;
using RangeOrleans.Core.Tests.Formats.Arrow;

namespace RangeOrleans.Core.Tests.Fuzzing;

/// <summary>
/// Each reader against a fixed budget of mutated real files (see <see cref="ReaderFuzzer"/>). The zip formats
/// (.ckpt, .npz) carry CRC-32s, so there a mutated file read without error must read exactly as the original
/// (<see cref="ReaderFuzzer.RunChecked"/>). The others (CSV, Arrow, .npy, a pickle alone) carry no checksum:
/// a flipped digit or float byte is another valid file, so for them only crashes, hangs and over-allocation fail.
/// </summary>
public class ReaderFuzzTests
{
    private const int Cases = 300;

    private static void AssertSurvives(ReaderFuzzer.Outcome outcome, string reader)
    {
        Assert.True(outcome.Failures.Count == 0, $"{reader}: {outcome.Failures.Count} of {outcome.Cases} cases failed:\n" + string.Join("\n", outcome.Failures.Take(10)));
        Assert.True(outcome.Refused > 0, $"{reader}: no mutated input was refused, the fuzzer did not reach the reader");
    }

    private static byte[] SmallCheckpoint() => ZipMemberTests.SmallCheckpoint();

    /// <summary>Everything a checkpoint read yields (the whole object graph, tensors by dtype, shape and bytes), hashed.</summary>
    private static string Fingerprint(TorchCheckpoint checkpoint)
    {
        var text = new StringBuilder();
        void Walk(object? value)
        {
            switch (value)
            {
                case HostTensor t:
                    text.Append($"T{t.DType}{t.ShapeText}:");
                    text.Append(Convert.ToHexString(SHA256.HashData(Bytes(t.Data))));
                    break;
                case PyDict d:
                    text.Append($"{{{d.ClassName}:");
                    foreach (var (k, v) in d) { Walk(k); text.Append('='); Walk(v); text.Append(','); }
                    text.Append('}');
                    if (d.Attributes is not null) Walk(d.Attributes);
                    break;
                case string str: text.Append('"').Append(str).Append('"'); break;
                case byte[] b: text.Append(Convert.ToHexString(b)); break;
                case System.Collections.IEnumerable items:
                    text.Append($"[{value.GetType().Name}:");
                    foreach (var item in items) { Walk(item); text.Append(','); }
                    text.Append(']');
                    break;
                default: text.Append(value?.GetType().Name).Append(':').Append(Convert.ToString(value, CultureInfo.InvariantCulture)); break;
            }
        }
        Walk(checkpoint.Root);
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }

    private static byte[] Bytes(Array data)
    {
        if (data is Half[] halves) return System.Runtime.InteropServices.MemoryMarshal.AsBytes(halves.AsSpan()).ToArray();
        var bytes = new byte[Buffer.ByteLength(data)];
        Buffer.BlockCopy(data, 0, bytes, 0, bytes.Length);
        return bytes;
    }

    private static string Fingerprint(FeatureBank bank)
    {
        var bytes = new List<byte>();
        foreach (Array a in new Array[] { bank.Lon, bank.Lat, bank.Keys, bank.Values }) bytes.AddRange(Bytes(a));
        return $"{bank.KeyDim}x{bank.ValueDim}:" + Convert.ToHexString(SHA256.HashData(bytes.ToArray()));
    }

    // .ckpt and .npz members carry CRC-32s, so a mutated file must be refused unless what it reads is unchanged.
    // The bytes this reader provably ignores (mutations there read as the original): the local file headers'
    // copies of name, times, sizes and CRC (the central directory's are used), the data descriptors, the
    // central directory's "version made by", times and attributes, the archive comment, and the members it
    // never opens (torch's <name>/version, .data/serialization_id, storages no tensor refers to).
    [Fact]
    public void CheckpointReaderSurvivesMutatedCheckpoints()
    {
        var outcome = ReaderFuzzer.RunChecked(SmallCheckpoint(), bytes => Fingerprint(TorchCheckpointReader.Read(new MemoryStream(bytes), "fuzz.ckpt")), Cases, randomSeed: 1);
        AssertSurvives(outcome, "ckpt");
    }

    [Fact]
    public void CheckpointReaderSurvivesMutatedPublishedLayout()
    {
        var seed = File.ReadAllBytes(TestData.Fixture("satclip_l10/satclip.ckpt"));
        var outcome = ReaderFuzzer.RunChecked(seed, bytes => Fingerprint(TorchCheckpointReader.Read(new MemoryStream(bytes), "fuzz.ckpt")), 60, randomSeed: 2);
        AssertSurvives(outcome, "ckpt (fixture)");
    }

    [Fact]
    public void UnpicklerSurvivesMutatedPickles()
    {
        using var zip = new ZipArchive(new MemoryStream(SmallCheckpoint()));
        using var pkl = zip.Entries.Single(e => e.FullName.EndsWith("data.pkl", StringComparison.Ordinal)).Open();
        var seed = new MemoryStream();
        pkl.CopyTo(seed);
        var outcome = ReaderFuzzer.Run(seed.ToArray(), bytes => RangeOrleans.Core.Formats.Pickle.SafeUnpickler.Load(bytes, "fuzz.pkl"), Cases * 3, randomSeed: 3);
        AssertSurvives(outcome, "pickle");
    }

    [Fact]
    public void NpyReaderSurvivesMutatedArrays()
    {
        var seed = File.ReadAllBytes(TestData.Fixture("satclip_l10/points_lonlat.npy"));
        var outcome = ReaderFuzzer.Run(seed, bytes => NpyReader.Read(new MemoryStream(bytes), "fuzz.npy", bytes.Length), Cases, randomSeed: 4);
        AssertSurvives(outcome, "npy");
    }

    private static void ViaFile(byte[] bytes, string name, Action<string> read) => ViaFile(bytes, name, p => { read(p); return 0; });

    private static T ViaFile<T>(byte[] bytes, string name, Func<string, T> read)
    {
        using var dir = new TempDir();
        var path = dir.File(name);
        File.WriteAllBytes(path, bytes);
        return read(path);
    }

    private static byte[] SmallBank(out FeatureBank bank)
    {
        var rng = new Random(5);
        int n = 40;
        bank = new FeatureBank(
            Enumerable.Range(0, n).Select(_ => rng.NextDouble() * 360 - 180).ToArray(),
            Enumerable.Range(0, n).Select(_ => rng.NextDouble() * 180 - 90).ToArray(),
            Enumerable.Range(0, n * 6).Select(_ => (float)rng.NextDouble()).ToArray(), 6,
            Enumerable.Range(0, n * 5).Select(_ => (float)rng.NextDouble()).ToArray(), 5);
        var ms = new MemoryStream();
        ArrowBankFile.Write(bank, ms);
        return ms.ToArray();
    }

    [Fact]
    public void NpzReaderSurvivesMutatedDatabases()
    {
        SmallBank(out var bank);
        using var dir = new TempDir();
        var path = dir.File("db.npz");
        RangeDatabaseNpz.Export(bank, path);
        var outcome = ReaderFuzzer.RunChecked(File.ReadAllBytes(path), bytes => ViaFile(bytes, "fuzz.npz", p => Fingerprint(RangeDatabaseNpz.Import(p))), Cases, randomSeed: 6);
        AssertSurvives(outcome, "npz");
    }

    [Fact]
    public void ArrowBankReaderSurvivesMutatedBanks()
    {
        var seed = SmallBank(out _);
        var outcome = ReaderFuzzer.Run(seed, bytes => ArrowBankFile.Read(new MemoryStream(bytes), "fuzz.arrow"), Cases, randomSeed: 7);
        AssertSurvives(outcome, "arrow bank");
    }

    [Fact]
    public void PointsReaderSurvivesMutatedCsvAndArrow()
    {
        var csv = File.ReadAllBytes(TestData.Fixture("satclip_l10/points.csv"));
        AssertSurvives(ReaderFuzzer.Run(csv, bytes => ViaFile(bytes, "fuzz.csv", p => PointsReader.Read(p)), Cases, randomSeed: 8), "points csv");

        using var dir = new TempDir();
        var arrow = dir.File("points.arrow");
        using (var writer = new EmbeddingArrowWriter(arrow, 2))
        {
            writer.WriteBatch(new double[] { 1, 2, 3 }, new double[] { 4, 5, 6 }, new float[6]);
            writer.Commit();
        }
        var seed = File.ReadAllBytes(arrow);
        AssertSurvives(ReaderFuzzer.Run(seed, bytes => ViaFile(bytes, "fuzz.arrow", p => PointsReader.Read(p)), Cases, randomSeed: 9), "points arrow");
        AssertSurvives(ReaderFuzzer.Run(seed, bytes => ViaFile(bytes, "fuzz.arrow", p => EmbeddingArrowReader.ReadAll(p)), Cases, randomSeed: 10), "embedding arrow");
        var schemaInFooter = File.ReadAllBytes(TestData.Fixture("arrow-js/points_schema_in_footer.arrow"));
        AssertSurvives(ReaderFuzzer.Run(schemaInFooter, bytes => ViaFile(bytes, "fuzz.arrow", p => PointsReader.Read(p)), Cases, randomSeed: 11), "points arrow (schema in the footer)");
    }

    // Headers claiming 10^12 elements, 2^31 rows or 2 GB of metadata, for every Arrow reader: each
    // must be refused (not merely survived) within the same allocation bound as the mutations.
    [Fact]
    public void ArrowReadersRefuseCraftedHeadersClaimingHugeSizes()
    {
        void AllRefused(byte[] seed, Action<byte[]> read, string reader)
        {
            var outcome = ReaderFuzzer.RunCases(CraftedArrowFiles.HostileVariants(seed), read, perCase: null, ReaderFuzzer.DefaultAllocationLimit(seed.Length));
            Assert.True(outcome.Failures.Count == 0, $"{reader}: " + string.Join("\n", outcome.Failures));
            Assert.True(outcome.Refused == outcome.Cases, $"{reader}: {outcome.Accepted} of {outcome.Cases} crafted inputs were accepted");
        }

        AllRefused(SmallBank(out _), bytes => ArrowBankFile.Read(new MemoryStream(bytes), "crafted.arrow"), "arrow bank");
        AllRefused(CraftedArrowFiles.LonLat(5, fileFormat: true), bytes => ViaFile(bytes, "crafted.arrow", p => PointsReader.Read(p)), "points arrow file");
        AllRefused(CraftedArrowFiles.LonLat(5, fileFormat: false), bytes => ViaFile(bytes, "crafted.arrows", p => PointsReader.Read(p)), "points arrow stream");
        var embeddings = new MemoryStream();
        using (var writer = new EmbeddingArrowWriter(embeddings, 2))
        {
            writer.WriteBatch(new double[] { 1, 2, 3 }, new double[] { 4, 5, 6 }, new float[6]);
            writer.Commit();
        }
        AllRefused(embeddings.ToArray(), bytes => ViaFile(bytes, "crafted.arrow", p => EmbeddingArrowReader.ReadAll(p)), "embedding arrow");
    }
}
