using RangeOrleans.Core.Banks;
using RangeOrleans.Core.Formats.Checkpoint;
using RangeOrleans.Core.Jobs;
using static RangeOrleans.Cli.Tests.Commands.MapDestinationClaimTests;

namespace RangeOrleans.Cli.Tests.Commands;

/// <summary>
/// `range bank build` and `range pretrain` onto a DEST holding another settings' bank or model (or output no claim
/// names, or another kind's): refused with exit 2 and one line naming what differs, DEST byte for byte as it was;
/// `--overwrite` replaces it; the same settings reuse what DEST holds.
/// </summary>
public class TrainingDestinationClaimTests
{
    private static readonly string[] Pretrain = ["pretrain", "--data", "earth", "--entries", "32", "--batch-size", "16", "--legendre-polys", "4", "--epochs", "0"];

    [Fact]
    public void PretrainOntoAnotherSettingsModelIsRefusedLeavingDestUntouchedAndOverwriteReplacesIt()
    {
        using var dir = new TempDir();
        var dest = dir.File("model");
        var made = CliRunner.Run([.. Pretrain, "--output", dest]);
        Assert.True(made.ExitCode == 0, made.Error + made.Output);
        Assert.Equal("pretrain", JobClaim.Parse(File.ReadAllBytes(Path.Combine(dest, JobClaim.FileName)), "claim").Kind);
        var before = Snapshot(dest);

        AssertRefused(CliRunner.Run([.. Pretrain, "--seed", "1", "--output", dest]), "holds the model of pretrain job", "with other settings: seed 0 (this job: 1)");
        Assert.Equal(before, Snapshot(dest));

        // A model no claim names (made by hand, or before claims) is not taken for this job's either.
        File.Move(Path.Combine(dest, JobClaim.FileName), dir.File("claim.json"));
        var unclaimed = Snapshot(dest);
        AssertRefused(CliRunner.Run([.. Pretrain, "--output", dest]), "holds a model no job claims (last.ckpt)");
        Assert.Equal(unclaimed, Snapshot(dest));
        File.Move(dir.File("claim.json"), Path.Combine(dest, JobClaim.FileName));

        // A claim that cannot be read is refused naming it, DEST as it was.
        File.Copy(Path.Combine(dest, JobClaim.FileName), dir.File("claim.json"));
        File.WriteAllText(Path.Combine(dest, JobClaim.FileName), "{ \"kind\": ");
        var corrupt = Snapshot(dest);
        AssertRefused(CliRunner.Run([.. Pretrain, "--output", dest]), $"holds a {JobClaim.FileName} that cannot be read ({Path.Combine(dest, JobClaim.FileName)}");
        Assert.Equal(corrupt, Snapshot(dest));
        File.Copy(dir.File("claim.json"), Path.Combine(dest, JobClaim.FileName), overwrite: true);

        var same = CliRunner.Run([.. Pretrain, "--output", dest]);
        Assert.True(same.ExitCode == 0, same.Error + same.Output);
        Assert.Contains("untrained initialisation (seed 0)", same.Output);

        var replaced = CliRunner.Run([.. Pretrain, "--seed", "1", "--overwrite", "--output", dest]);
        Assert.True(replaced.ExitCode == 0, replaced.Error + replaced.Output);
        Assert.Equal(1, TorchCheckpointReader.Read(Path.Combine(dest, "last.ckpt")).GetInt("seed"));
        Assert.Contains("\"seed\": 1", File.ReadAllText(Path.Combine(dest, JobClaim.FileName)));

        // --overwrite replaces a DEST whose claim cannot be read, too.
        File.WriteAllText(Path.Combine(dest, JobClaim.FileName), "{ \"kind\": ");
        var overCorrupt = CliRunner.Run([.. Pretrain, "--overwrite", "--output", dest]);
        Assert.True(overCorrupt.ExitCode == 0, overCorrupt.Error + overCorrupt.Output);
        Assert.Equal(0, TorchCheckpointReader.Read(Path.Combine(dest, "last.ckpt")).GetInt("seed"));
        Assert.Equal("pretrain", JobClaim.Parse(File.ReadAllBytes(Path.Combine(dest, JobClaim.FileName)), "claim").Kind);
    }

    [Fact]
    public void BankBuildOntoAnotherSettingsBankIsRefusedLeavingDestUntouchedAndOverwriteReplacesIt()
    {
        using var dir = new TempDir();
        foreach (var (name, seed) in new[] { ("a", "0"), ("b", "1") })
        {
            var model = CliRunner.Run([.. Pretrain, "--seed", seed, "--output", dir.File(name)]);
            Assert.True(model.ExitCode == 0, model.Error + model.Output);
        }
        var dest = dir.File("bank");
        string[] Build(string model, string entries) =>
            ["bank", "build", "--checkpoint", dir.File(model + "/last.ckpt"), "--data", "earth", "--entries", entries, "--mae-epochs", "1", "--shard-size", "16", "--output", dest];
        var made = CliRunner.Run(Build("a", "20"));
        Assert.True(made.ExitCode == 0, made.Error + made.Output);
        var before = Snapshot(dest);

        AssertRefused(CliRunner.Run(Build("a", "24")), "holds the bank of bank job", "with other settings: entries 20 (this job: 24)");
        Assert.Equal(before, Snapshot(dest));
        AssertRefused(CliRunner.Run(Build("b", "20")), "holds the bank of bank job", "from another checkpoint (SHA-256");
        Assert.Equal(before, Snapshot(dest));

        // Another kind's output is never replaced, --overwrite or not.
        var modelFiles = Snapshot(dir.File("a"));
        var intoModel = CliRunner.Run([.. Build("a", "20")[..^1], dir.File("a"), "--overwrite"]);
        Assert.True(intoModel.ExitCode == 2, intoModel.Error + intoModel.Output);
        Assert.Contains("holds the output of pretrain job", intoModel.Error);
        Assert.Equal(modelFiles, Snapshot(dir.File("a")));

        var same = CliRunner.Run(Build("a", "20"));
        Assert.True(same.ExitCode == 0, same.Error + same.Output);
        Assert.Contains("value encoder: reusing", same.Output);

        var replaced = CliRunner.Run([.. Build("b", "24"), "--overwrite"]);
        Assert.True(replaced.ExitCode == 0, replaced.Error + replaced.Output);
        Assert.Contains("training the value encoder", replaced.Output);
        Assert.Equal(24, ArrowBankFile.Read(Path.Combine(dest, "bank.arrow")).Count);
        Assert.Equal(["shard-00000.arrow", "shard-00001.arrow"], Directory.GetFiles(Path.Combine(dest, "shards")).Select(Path.GetFileName).Order());
        Assert.Equal(ContentHash.OfFile(dir.File("b/last.ckpt")), JobClaim.Parse(File.ReadAllBytes(Path.Combine(dest, JobClaim.FileName)), "claim").Model!.Sha256);
    }
}
