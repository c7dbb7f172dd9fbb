using RangeOrleans.Core.Tests;
using RangeOrleans.Core.Tests.Fuzzing;
using RangeOrleans.Training.Data;

namespace RangeOrleans.Training.Tests.Data;

/// <summary>The GeoTIFF reader against mutated real Sentinel-2 tiles (see ReaderFuzzer): own error type only, bounded time and memory.</summary>
public class GeoTiffFuzzTests
{
    [Fact]
    public void GeoTiffReaderSurvivesMutatedSentinel2Tiles()
    {
        var seed = File.ReadAllBytes(TestData.Data("s2_examples/patch_445.tif"));
        using var dir = new TempDir();
        var outcome = ReaderFuzzer.Run(seed, bytes =>
        {
            var path = dir.File("fuzz.tif");
            File.WriteAllBytes(path, bytes);
            GeoTiffReader.Read(path);
        }, cases: 120, randomSeed: 11);
        Assert.True(outcome.Failures.Count == 0, $"{outcome.Failures.Count} of {outcome.Cases} cases failed:\n" + string.Join("\n", outcome.Failures.Take(10)));
        Assert.True(outcome.Refused > 0, "no mutated tile was refused: the fuzzer did not reach the reader");
    }
}
