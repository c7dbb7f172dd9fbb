using System.Text.Json;

namespace RangeOrleans.Cli.Tests.Commands;

// Sets AZURE_STORAGE_CONNECTION_STRING: never beside another class that does (see AzureExportTests).
[Collection(AzureExportTests.EnvironmentCollection)]
public class BenchCommandTests
{
    [Fact]
    public void BenchReportsEveryModelAgainstTheMatmulRateComparesRangePlusWithRangeAndTimesOutput()
    {
        using var dir = new TempDir();
        var json = dir.File("bench.json");
        var outputs = dir.File("outputs");
        var run = CliRunner.Run("bench", "--banks", "300,700", "--dim", "32", "--seconds", "0.05", "--output", json, "--write", outputs, "--write-rows", "20000");
        Assert.True(run.ExitCode == 0, run.Error + run.Output);
        // OpenBLAS is installed by scripts/ci-services.sh: its sgemm and RANGE+ on it are measured beside libtorch's.
        Assert.True(Core.Retrieval.OpenBlas.IsAvailable, "libopenblas.so.0 is not installed: run scripts/ci-services.sh");
        Assert.Matches(@"float32 matmul 4096x4096x4096: [0-9.]+ GFLOP/s \(libtorch\)", run.Output);
        Assert.Matches(@"float32 matmul 4096x4096x4096: [0-9.]+ GFLOP/s \(OpenBLAS", run.Output);
        Assert.Matches(@"best float32 matmul in this run: [0-9.]+ GFLOP/s", run.Output);
        foreach (var row in new[] { "| satclip | - |", "| range | 300 | 32 |", "| range+ | 300 | 32 |", "| range | 700 | 32 |", "| range+ | 700 | 32 |" })
            Assert.Contains(row, run.Output);
        Assert.Matches(@"range\+ / range throughput at N = 700: [0-9.]+ \(median of 6 rounds; [0-9.]+ to [0-9.]+\)", run.Output);
        Assert.Matches(@"range\+ \(openblas\) / range\+ throughput at N = 700: [0-9.]+", run.Output);

        using var report = JsonDocument.Parse(File.ReadAllText(json));
        var rows = report.RootElement.GetProperty("Rows").EnumerateArray().ToList();
        Assert.Equal(7, rows.Count);
        Assert.Equal(2, rows.Count(r => r.GetProperty("Blas").GetString() == "openblas"));
        double best = report.RootElement.GetProperty("MatmulGflopPerSecond").GetDouble();
        Assert.Equal(Math.Max(report.RootElement.GetProperty("LibTorchMatmulGflopPerSecond").GetDouble(),
            report.RootElement.GetProperty("OpenBlasMatmulGflopPerSecond").GetDouble()), best);
        Assert.All(rows, r => Assert.Equal(r.GetProperty("GflopPerSecond").GetDouble() / best, r.GetProperty("FractionOfMatmul").GetDouble(), 9));
        // Every trial covers whole 1,024-row chunks: no row's throughput pays for padding.
        Assert.All(rows, r => Assert.Equal(0, r.GetProperty("Points").GetInt64() % 1024));
        Assert.All(rows, r => Assert.True(r.GetProperty("PointsPerSecond").GetDouble() > 0));
        var comparisons = report.RootElement.GetProperty("Comparisons").EnumerateArray().ToList();
        Assert.Equal([300, 700], comparisons.Where(c => c.GetProperty("Baseline").GetString() == "range").Select(c => c.GetProperty("BankSize").GetInt32()));
        Assert.Equal([300, 700], comparisons.Where(c => c.GetProperty("Model").GetString() == "range+ (openblas)").Select(c => c.GetProperty("BankSize").GetInt32()));
        Assert.All(comparisons, c => Assert.InRange(c.GetProperty("MedianRatio").GetDouble(), c.GetProperty("MinRatio").GetDouble(), c.GetProperty("MaxRatio").GetDouble()));

        // Output: both precisions written as shards write them (lon, lat, 20,000 x 288 values), then removed.
        var written = report.RootElement.GetProperty("Output").EnumerateArray().ToDictionary(r => r.GetProperty("Precision").GetString()!, r => r.GetProperty("Bytes").GetInt64());
        Assert.InRange(written["float32"], 20_000L * (16 + 288 * 4), 20_000L * (16 + 288 * 4) + 100_000);
        Assert.InRange(written["float16"], 20_000L * (16 + 288 * 2), 20_000L * (16 + 288 * 2) + 100_000);
        Assert.Contains("| float16 | 20,000 |", run.Output);
        Assert.Empty(Directory.GetFileSystemEntries(outputs));
    }

    [Fact]
    public void BenchRefusesABankSizeThatIsNotAPositiveInteger()
    {
        var run = CliRunner.Run("bench", "--banks", "1000,ten");
        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains("--banks: 'ten' is not a positive integer", run.Error);
    }

    [Fact]
    public void BenchCoordinatorRefusesAShardCountItCannotLayOutAndAMissingRedis()
    {
        var count = CliRunner.Run("bench", "--coordinator", "10000,150", "--redis", "127.0.0.1:1");
        Assert.Equal(2, count.ExitCode);
        Assert.Contains("--coordinator: 150 is not a multiple of 200", count.Error);
        var redis = CliRunner.Run("bench", "--coordinator", "10000");
        Assert.Equal(2, redis.ExitCode);
        Assert.Contains("--coordinator needs --redis HOST:PORT", redis.Error);
        Assert.DoesNotContain("   at ", redis.Error + count.Error);
    }

    [Fact]
    public void BenchRefusesAnAzureOutputWithoutAConnectionStringBeforeMeasuringAnything()
    {
        Environment.SetEnvironmentVariable("AZURE_STORAGE_CONNECTION_STRING", null);
        var run = CliRunner.Run("bench", "--banks", "100", "--write", "az://bench/out");
        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains("set AZURE_STORAGE_CONNECTION_STRING", run.Error);
        Assert.DoesNotContain("GFLOP/s", run.Output);
    }
}
