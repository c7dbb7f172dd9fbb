using RangeOrleans.Core.Formats.Arrow;
using RangeOrleans.Core.Jobs;

namespace RangeOrleans.Cli.Tests.Commands;

public class PipelineCommandTests
{
    [Fact]
    public void TinyPipelineTrainsBuildsABankAndMapsTheGridThroughTheMapJob()
    {
        using var dir = new TempDir();
        var dest = dir.File("run");
        var run = CliRunner.Run("pipeline", "--data", "earth", "--entries", "64", "--epochs", "1", "--batch-size", "16", "--legendre-polys", "4",
            "--bank-entries", "40", "--grid", "10", "--shard-degrees", "90", "--output", dest);
        Assert.True(run.ExitCode == 0, run.Error + run.Output);

        Assert.True(File.Exists(Path.Combine(dest, "model", "last.ckpt")));
        Assert.True(File.Exists(Path.Combine(dest, "bank", "bank.arrow")));
        var map = Path.Combine(dest, "map");
        var manifest = JobManifest.Parse(File.ReadAllBytes(Path.Combine(map, JobManifest.FileName)), "manifest");
        Assert.Equal(36 * 18, manifest.TotalRows);
        Assert.Equal(8, manifest.Shards.Count);
        Assert.Equal(ContentHash.OfFile(Path.Combine(dest, "model", "last.ckpt")), manifest.Model.Sha256);
        Assert.Equal(ContentHash.OfFile(Path.Combine(dest, "bank", "bank.arrow")), manifest.Bank!.Sha256);
        foreach (var shard in manifest.Shards)
        {
            var path = Path.Combine(map, shard.Name);
            Assert.Equal(shard.Sha256, ContentHash.OfFile(path));
            Assert.Equal(shard.Rows, EmbeddingArrowReader.ReadAll(path).Count);
        }
    }

    [Fact]
    public void AGridStepThatDoesNotDivide180IsRefusedBeforeTraining()
    {
        using var dir = new TempDir();
        var run = CliRunner.Run("pipeline", "--data", "earth", "--entries", "64", "--grid", "7", "--output", dir.File("run"));
        Assert.Equal(2, run.ExitCode);
        Assert.False(Directory.Exists(dir.File("run/model")));
    }
}
