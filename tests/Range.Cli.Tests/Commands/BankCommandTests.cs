using RangeOrleans.Core.Banks;
using RangeOrleans.Core.Jobs;

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
}
