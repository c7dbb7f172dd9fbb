using System.IO.Compression;
using RangeOrleans.Core.Banks;
using RangeOrleans.Core.Formats;
using RangeOrleans.Core.Formats.Arrow;
using RangeOrleans.Core.Formats.Checkpoint;
using RangeOrleans.Core.Formats.Numpy;
using RangeOrleans.Core.Points;

namespace RangeOrleans.Core.Tests.Fuzzing;

/// <summary>Each reader against a fixed budget of mutated real files (see <see cref="ReaderFuzzer"/>).</summary>
public class ReaderFuzzTests
{
    private const int Cases = 300;

    private static void AssertSurvives(ReaderFuzzer.Outcome outcome, string reader)
    {
        Assert.True(outcome.Failures.Count == 0, $"{reader}: {outcome.Failures.Count} of {outcome.Cases} cases failed:\n" + string.Join("\n", outcome.Failures.Take(10)));
        Assert.True(outcome.Refused > 0, $"{reader}: no mutated input was refused, the fuzzer did not reach the reader");
    }

    private static byte[] SmallCheckpoint()
    {
        using var dir = new TempDir();
        var path = dir.File("small.ckpt");
        var rng = new Random(3);
        HostTensor T(params long[] shape)
        {
            long n = shape.Aggregate(1L, (a, b) => a * b);
            return new HostTensor(TensorDType.Float64, shape, Enumerable.Range(0, (int)n).Select(_ => rng.NextDouble()).ToArray());
        }
        TorchCheckpointWriter.Write(path, new Dictionary<string, HostTensor>
        {
            ["model.location.nnet.layers.0.weight"] = T(8, 9),
            ["model.location.nnet.layers.0.bias"] = T(8),
            ["model.location.nnet.last_layer.weight"] = T(4, 8),
            ["model.location.nnet.last_layer.bias"] = T(4),
        }, new Dictionary<string, object?> { ["legendre_polys"] = 3L, ["capacity"] = 8L, ["num_hidden_layers"] = 1L, ["embed_dim"] = 4L });
        return File.ReadAllBytes(path);
    }

    [Fact]
    public void CheckpointReaderSurvivesMutatedCheckpoints()
    {
        var outcome = ReaderFuzzer.Run(SmallCheckpoint(), bytes => TorchCheckpointReader.Read(new MemoryStream(bytes), "fuzz.ckpt"), Cases, randomSeed: 1);
        AssertSurvives(outcome, "ckpt");
    }

    [Fact]
    public void CheckpointReaderSurvivesMutatedPublishedLayout()
    {
        var seed = File.ReadAllBytes(TestData.Fixture("satclip_l10/satclip.ckpt"));
        var outcome = ReaderFuzzer.Run(seed, bytes => TorchCheckpointReader.Read(new MemoryStream(bytes), "fuzz.ckpt"), 60, randomSeed: 2);
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

    private static void ViaFile(byte[] bytes, string name, Action<string> read)
    {
        using var dir = new TempDir();
        var path = dir.File(name);
        File.WriteAllBytes(path, bytes);
        read(path);
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
        var outcome = ReaderFuzzer.Run(File.ReadAllBytes(path), bytes => ViaFile(bytes, "fuzz.npz", p => RangeDatabaseNpz.Import(p)), Cases, randomSeed: 6);
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
    }
}
