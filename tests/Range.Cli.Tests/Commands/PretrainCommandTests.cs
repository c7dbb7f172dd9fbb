using RangeOrleans.Abstractions;
using RangeOrleans.Core.Formats.Arrow;
using RangeOrleans.Core.Formats.Checkpoint;
using RangeOrleans.Grains.Pretraining;

namespace RangeOrleans.Cli.Tests.Commands;

public class PretrainCommandTests
{
    private static readonly string[] Tiny = ["--data", "earth", "--entries", "48", "--batch-size", "16", "--legendre-polys", "4"];

    [Fact]
    public void PretrainRunsAsAJobPrintingEachEpochAndARerunTrainsOnlyTheEpochsNotStored()
    {
        using var dir = new TempDir();
        var dest = dir.File("model");
        var first = CliRunner.Run(["pretrain", .. Tiny, "--epochs", "2", "--output", dest]);
        Assert.True(first.ExitCode == 0, first.Error + first.Output);
        Assert.Contains("pretrain on earth: 48 tiles x 17 channels, 16 px; 2 epochs, batch 16, seed 0; frozen random image tower (only its fc and the location encoder train)", first.Output);
        Assert.Contains("epoch 1/2: train loss", first.Output);
        Assert.Contains("epoch 2/2: train loss", first.Output);
        Assert.Contains($"checkpoint: {dest}/last.ckpt", first.Output);
        Assert.Equal(["epoch-1.optim", "job.json", "last.ckpt"], Directory.GetFiles(dest).Select(Path.GetFileName).Order());

        // The same DEST with more epochs: a new job resumes from the stored checkpoint and trains epoch 3 only.
        var more = CliRunner.Run(["pretrain", .. Tiny, "--epochs", "3", "--output", dest]);
        Assert.True(more.ExitCode == 0, more.Error + more.Output);
        Assert.DoesNotContain("epoch 1/3", more.Output);
        Assert.DoesNotContain("epoch 2/3", more.Output);
        Assert.Contains("epoch 3/3: train loss", more.Output);
        Assert.Equal(2L, TorchCheckpointReader.Read(Path.Combine(dest, "last.ckpt")).GetEntry("epoch"));

        var again = CliRunner.Run(["pretrain", .. Tiny, "--epochs", "3", "--output", dest]);
        Assert.True(again.ExitCode == 0, again.Error + again.Output);
        Assert.Contains($"nothing to do: {dest}/last.ckpt already has all 3 epochs", again.Output);

        // Other settings onto the same DEST: refused before the job exists (PretrainDestinationClaimTests); the checkpoint stays.
        var other = CliRunner.Run(["pretrain", .. Tiny[..^2], "--legendre-polys", "5", "--epochs", "4", "--output", dest]);
        Assert.True(other.ExitCode == 2, other.Error + other.Output);
        Assert.Contains("with other settings: legendrePolys 4 (this job: 5); give --overwrite", other.Error);
        Assert.Equal(2L, TorchCheckpointReader.Read(Path.Combine(dest, "last.ckpt")).GetEntry("epoch"));

        var points = dir.File("points.csv");
        File.WriteAllText(points, "lon,lat\n10,20\n-70,-30\n");
        var embedded = CliRunner.Run("embed", "--checkpoint", Path.Combine(dest, "last.ckpt"), "--model", "satclip", "--input", points, "--output", dir.File("e.arrow"));
        Assert.True(embedded.ExitCode == 0, embedded.Error);
        Assert.Equal(2, EmbeddingArrowReader.ReadAll(dir.File("e.arrow")).Count);
    }

    [Fact]
    public void TheJointModeTrainsTheWholeImageTowerAndIsAnotherModelThanTheDefaultsFrozenRandomOne()
    {
        using var dir = new TempDir();
        var joint = CliRunner.Run(["pretrain", .. Tiny, "--epochs", "1", "--vision-backbone", "joint", "--output", dir.File("joint")]);
        Assert.True(joint.ExitCode == 0, joint.Error + joint.Output);
        Assert.Contains("; joint: the image tower trains with the location encoder", joint.Output);
        Assert.Equal("range_resnet", TorchCheckpointReader.Read(dir.File("joint/last.ckpt")).GetString("vision_type"));

        // The default onto the joint model's DEST: other settings, refused naming the tower.
        var frozen = CliRunner.Run(["pretrain", .. Tiny, "--epochs", "2", "--output", dir.File("joint")]);
        Assert.True(frozen.ExitCode == 2, frozen.Error + frozen.Output);
        Assert.Contains("visionBackbone", frozen.Error);
    }

    [Fact]
    public void ZeroEpochsStoresTheSeedsUntrainedInitialisationAsALoadableCheckpoint()
    {
        using var dir = new TempDir();
        var first = CliRunner.Run(["pretrain", .. Tiny, "--epochs", "0", "--seed", "3", "--out", dir.File("a")]);
        Assert.True(first.ExitCode == 0, first.Error + first.Output);
        Assert.Contains($"untrained initialisation (seed 3): {dir.File("a")}/last.ckpt", first.Output);
        var second = CliRunner.Run(["pretrain", .. Tiny, "--epochs", "0", "--seed", "3", "--out", dir.File("b")]);
        Assert.True(second.ExitCode == 0, second.Error + second.Output);

        var a = TorchCheckpointReader.Read(dir.File("a/last.ckpt"));
        Assert.Equal(-1L, a.GetEntry("epoch"));
        var b = TorchCheckpointReader.Read(dir.File("b/last.ckpt"));
        var name = "model.location.nnet.layers.0.weight";
        Assert.Equal(a.StateDict[name].ToDoubleArray(), b.StateDict[name].ToDoubleArray());

        // Training one epoch onto it starts from exactly that initialisation.
        var trained = CliRunner.Run(["pretrain", .. Tiny, "--epochs", "1", "--seed", "3", "--out", dir.File("a")]);
        Assert.True(trained.ExitCode == 0, trained.Error + trained.Output);
        Assert.Contains("epoch 1/1: train loss", trained.Output);
    }

    [Theory]
    [InlineData("--data", "moon", "--data must be 'earth', 'earth-land', 'earth-one-season', 'earth-one-season-land' or 's2:DIR'")]
    [InlineData("--epochs", "-1", "epochs must be 0 (the untrained initialisation) or more")]
    [InlineData("--batch-size", "1", "batch size must be at least 2")]
    [InlineData("--entries", "0", "--entries must be at least 1")]
    [InlineData("--output", "az://models/a/../b", "'..'")]
    [InlineData("--data", "s2:no-such-folder", "does not exist")]
    public void BadInputEndsInOneClearLineAndNoDestination(string option, string value, string expected)
    {
        using var dir = new TempDir();
        var args = new Dictionary<string, string> { ["--data"] = "earth", ["--entries"] = "48", ["--epochs"] = "1", ["--output"] = dir.File("model") };
        args[option] = value;
        var run = CliRunner.Run(["pretrain", .. args.SelectMany(a => new[] { a.Key, a.Value })]);
        Assert.Equal(2, run.ExitCode);
        Assert.Contains(expected, run.Error);
        Assert.Single(run.Error.Trim().Split('\n'));
        Assert.False(Directory.Exists(dir.File("model")));
    }

    [Fact]
    public void AFrozenVisionBackboneTrainsOnlyItsFcAndAStateDictThatDoesNotFitTheDataIsRefusedBeforeAnyJob()
    {
        using var dir = new TempDir();
        TorchvisionStateDict.Write(dir.File("resnet18.pth"), TorchvisionStateDict.Create(inChannels: 17));
        var run = CliRunner.Run(["pretrain", .. Tiny, "--epochs", "1", "--vision-backbone", dir.File("resnet18.pth"), "--output", dir.File("model")]);
        Assert.True(run.ExitCode == 0, run.Error + run.Output);
        Assert.Contains($"frozen backbone {dir.File("resnet18.pth")} (only fc and the location encoder train)", run.Output);
        Assert.Contains("epoch 1/1: train loss", run.Output);
        var checkpoint = TorchCheckpointReader.Read(dir.File("model/last.ckpt"));
        Assert.Equal("torchvision_resnet", checkpoint.GetString("vision_type"));

        // 13 input channels (a Sentinel-2 MoCo ResNet) against the 17 of --data earth: exit 2, one line naming the parameter and file.
        TorchvisionStateDict.Write(dir.File("s2.pth"), TorchvisionStateDict.Create(inChannels: 13));
        var refused = CliRunner.Run(["pretrain", .. Tiny, "--epochs", "1", "--vision-backbone", dir.File("s2.pth"), "--output", dir.File("other")]);
        Assert.Equal(2, refused.ExitCode);
        Assert.Contains("'conv1.weight' takes 13 input channels, the data 'earth' has 17", refused.Error);
        Assert.Contains("s2.pth", refused.Error);
        Assert.Single(refused.Error.Trim().Split('\n'));
        Assert.False(Directory.Exists(dir.File("other")));
    }

    public static TheoryData<string, string> SpecsOtherClientsMaySubmit => new()
    {
        { "relative/model", "--output 'relative/model': a local path must be absolute" },
        { "/tmp/range/../etc", "'..'" },
        { "az://Bad_Container/x", "container" },
    };

    [Theory]
    [MemberData(nameof(SpecsOtherClientsMaySubmit))]
    public void AJobRefusesADestinationThatSilosWouldResolveDifferentlyOrThatLeavesIt(string destination, string expected)
    {
        var spec = new PretrainJobSpec { Data = "earth", Epochs = 1, BatchSize = 16, LearningRate = 1e-4, TileSize = 16, LegendrePolys = 4, Destination = destination };
        var error = Assert.ThrowsAny<ArgumentException>(() => PretrainJobs.Validate(spec));
        Assert.Contains(expected, error.Message);
        var s2 = spec with { Data = "s2:relative/folder", Destination = "/tmp/model" };
        Assert.Contains("absolute path", Assert.ThrowsAny<ArgumentException>(() => PretrainJobs.Validate(s2)).Message);
    }
}
