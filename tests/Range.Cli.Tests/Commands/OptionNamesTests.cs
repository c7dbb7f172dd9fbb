using System.CommandLine;
using System.Text.RegularExpressions;

namespace RangeOrleans.Cli.Tests.Commands;

/// <summary>
/// One vocabulary: every command writes where --output says and map and pipeline take their grid spacing as --grid;
/// the old spellings (--out, --png, --report, --json, --resolution) still work but are not shown in help.
/// </summary>
public class OptionNamesTests
{
    private static string F(string name) => TestData.Fixture("satclip_l10/" + name);

    public static TheoryData<string, string, string> Spellings => new()
    {
        // command line, the option it must bind to, the value
        { "map --checkpoint c.ckpt --model satclip --grid 2 --output /tmp/d", "--output", "/tmp/d" },
        { "map --checkpoint c.ckpt --model satclip --grid 2 --out /tmp/d", "--output", "/tmp/d" },
        { "submit --cluster localhost:1 --checkpoint c.ckpt --model satclip --grid 2 --out /tmp/d", "--output", "/tmp/d" },
        { "pipeline --data earth --output /tmp/d", "--output", "/tmp/d" },
        { "pipeline --data earth --out /tmp/d", "--output", "/tmp/d" },
        { "pipeline --data earth --output /tmp/d --grid 2", "--grid", "2" },
        { "pipeline --data earth --output /tmp/d --resolution 2", "--grid", "2" },
        { "pretrain --data earth --out /tmp/d", "--output", "/tmp/d" },
        { "bank build --checkpoint c.ckpt --data earth --out /tmp/d", "--output", "/tmp/d" },
        { "bank import db.npz --out b.arrow", "--output", "b.arrow" },
        { "bank export b.arrow --out db.npz", "--output", "db.npz" },
        { "render /tmp/d --output m.png", "--output", "m.png" },
        { "render /tmp/d --png m.png", "--output", "m.png" },
        { "eval --output r.json", "--output", "r.json" },
        { "eval --report r.json", "--output", "r.json" },
        { "bench --output b.json", "--output", "b.json" },
        { "bench --json b.json", "--output", "b.json" },
    };

    [Theory]
    [MemberData(nameof(Spellings))]
    public void OldAndNewSpellingsBindToTheSameOption(string commandLine, string name, string value)
    {
        var result = RangeCommandLine.Build().Parse(commandLine.Split(' '));
        Assert.Empty(result.Errors);
        var option = result.CommandResult.Command.Options.Single(o => o.Name == name);
        Assert.Equal([value], result.GetResult(option)!.Tokens.Select(t => t.Value));
    }

    [Theory]
    [InlineData("map")]
    [InlineData("submit")]
    [InlineData("pipeline")]
    [InlineData("pretrain")]
    [InlineData("bank", "build")]
    [InlineData("bank", "import")]
    [InlineData("bank", "export")]
    [InlineData("render")]
    [InlineData("eval")]
    [InlineData("bench")]
    [InlineData("embed")]
    public void HelpShowsOutputAndNoOldSpelling(params string[] command)
    {
        var help = CliRunner.Run([.. command, "--help"]);
        Assert.Equal(0, help.ExitCode);
        Assert.Contains("--output <", help.Output);
        Assert.DoesNotMatch(new Regex(@"--out\b|--png|--report|--json|--resolution"), help.Output);
    }

    [Fact]
    public void RangeAlonePrintsTheHelpAndExits1()
    {
        var alone = CliRunner.Run();
        Assert.Equal(1, alone.ExitCode);
        Assert.Equal("", alone.Error);
        Assert.Equal(CliRunner.Run("--help").Output, alone.Output);
        Assert.Contains("Usage:", alone.Output);
        foreach (var command in new[] { "embed", "map", "pipeline", "pretrain", "eval", "render", "status" })
            Assert.Contains(command, alone.Output);
    }

    [Fact]
    public void BankImportWritesTheSameFileUnderEitherSpelling()
    {
        using var dir = new TempDir();
        var now = CliRunner.Run("bank", "import", F("range_db.npz"), "--output", dir.File("new.arrow"));
        var old = CliRunner.Run("bank", "import", F("range_db.npz"), "--out", dir.File("old.arrow"));
        Assert.True(now.ExitCode == 0, now.Error);
        Assert.True(old.ExitCode == 0, old.Error);
        Assert.Equal(File.ReadAllBytes(dir.File("new.arrow")), File.ReadAllBytes(dir.File("old.arrow")));
    }

    [Fact]
    public void RenderWritesThePngUnderEitherSpelling()
    {
        using var dir = new TempDir();
        var embed = CliRunner.Run("embed", "--checkpoint", F("satclip.ckpt"), "--model", "satclip", "--input", F("points.csv"), "--output", dir.File("e.arrow"));
        Assert.True(embed.ExitCode == 0, embed.Error);
        foreach (var spelling in new[] { "--output", "--png" })
        {
            var png = dir.File($"map{spelling}.png");
            var render = CliRunner.Run("render", dir.File("e.arrow"), spelling, png, "--width", "64", "--no-coastlines");
            Assert.True(render.ExitCode == 0, render.Error);
            Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], File.ReadAllBytes(png)[..4]);
        }
    }

    [Fact]
    public void OldSpellingsReachTheSameChecks()
    {
        // --out reaches the destination check of a map job, --resolution the grid check of the pipeline: both refused before any work.
        var map = CliRunner.Run("map", "--checkpoint", F("satclip.ckpt"), "--model", "satclip", "--fibonacci", "100", "--out", "az://maps/../escape");
        Assert.Equal(2, map.ExitCode);
        Assert.Contains("az://maps/../escape", map.Error);
        using var dir = new TempDir();
        var pipeline = CliRunner.Run("pipeline", "--data", "earth", "--entries", "64", "--resolution", "7", "--out", dir.File("run"));
        Assert.Equal(2, pipeline.ExitCode);
        Assert.Contains("180", pipeline.Error);
        Assert.False(Directory.Exists(dir.File("run/model")));
    }
}
