using System.Text.RegularExpressions;
using RangeOrleans.Core.Banks;
using RangeOrleans.Core.Jobs;
using RangeOrleans.Training.Data;
using RangeOrleans.Training.Training;
using static TorchSharp.torch;

namespace RangeOrleans.Cli.Tests.Commands;

public class BankCommandTests
{
    [Fact]
    public void BankBuildRunsAsAShardedBankJobAndRecordsEveryShardsHash()
    {
        using var dir = new TempDir();
        var pretrain = CliRunner.Run("pretrain", "--data", "earth", "--entries", "48", "--epochs", "1", "--batch-size", "16", "--legendre-polys", "4", "--output", dir.File("model"));
        Assert.True(pretrain.ExitCode == 0, pretrain.Error + pretrain.Output);

        var dest = dir.File("bank");
        var build = CliRunner.Run("bank", "build", "--checkpoint", dir.File("model/last.ckpt"), "--data", "earth", "--entries", "50",
            "--mae-epochs", "1", "--shard-size", "20", "--output", dest);
        Assert.True(build.ExitCode == 0, build.Error + build.Output);
        Assert.Contains("3/3 shards", build.Output);

        var bank = ArrowBankFile.Read(Path.Combine(dest, "bank.arrow"));
        Assert.Equal(50, bank.Count);
        var hashes = File.ReadAllLines(Path.Combine(dest, "shards.sha256"));
        Assert.Equal(3, hashes.Length);
        foreach (var line in hashes)
        {
            var parts = line.Split("  ");
            Assert.Equal(parts[0], ContentHash.OfFile(Path.Combine(dest, parts[1])));
        }
        Assert.Equal(bank.Lon.Take(20), ArrowBankFile.Read(Path.Combine(dest, "shards/shard-00000.arrow")).Lon);
    }

    [Fact]
    public void ABankJobWhoseShardHitsADeterministicErrorFailsOnceNamingTheShard()
    {
        using var dir = new TempDir();
        var pretrain = CliRunner.Run("pretrain", "--data", "earth", "--entries", "48", "--epochs", "1", "--batch-size", "16", "--legendre-polys", "4", "--out", dir.File("model"));
        Assert.True(pretrain.ExitCode == 0, pretrain.Error + pretrain.Output);
        // An MAE whose weights are NaN: every value it encodes is NaN, which the bank refuses. Retrying on another silo
        // would fail the same way, so the first failure must end the job.
        using (var mae = MaeTrainer.Train(DataSource.Open("earth", entries: 16, seed: 1), new MaeTrainingOptions { Epochs = 1, TileSize = 16, FeatureDim = 16 }))
        {
            using (no_grad())
            {
                foreach (var p in mae.parameters()) p.fill_(float.NaN);
            }
            MaeCheckpoint.Write(dir.File("nan-mae.ckpt"), mae, 0, "earth");
        }

        var dest = dir.File("bank");
        var build = CliRunner.Run("bank", "build", "--checkpoint", dir.File("model/last.ckpt"), "--mae", dir.File("nan-mae.ckpt"),
            "--data", "earth", "--entries", "50", "--shard-size", "20", "--out", dest);

        Assert.NotEqual(0, build.ExitCode);
        var all = build.Output + build.Error;
        Assert.Matches(new Regex(@"failed.*shard \d: RangeFormatException on silo \S+: .*entry 0: value component 0 is NaN"), all);
        Assert.DoesNotContain("retried", all);
        Assert.DoesNotContain("   at ", all); // no stack trace
        Assert.False(File.Exists(Path.Combine(dest, "bank.arrow")));
    }
}
