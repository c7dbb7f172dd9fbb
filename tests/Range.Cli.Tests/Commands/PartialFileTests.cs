using RangeOrleans.Core.Jobs;

namespace RangeOrleans.Cli.Tests.Commands;

/// <summary>No `.partial-*` file (a write not committed) is left in DEST once `range map` has completed.</summary>
public class PartialFileTests
{
    private static string F(string name) => TestData.Fixture("satclip_l10/" + name);

    private static string[] Map(string dest) => ["map", "--checkpoint", F("satclip.ckpt"), "--model", "satclip", "--grid", "5", "--shard-degrees", "90", "--output", dest];

    private static string[] Partials(string dest) => Directory.GetFiles(dest, "*.partial-*", SearchOption.AllDirectories);

    [Fact]
    public void NoPartialFileSurvivesACompletedMap()
    {
        using var dir = new TempDir();
        var dest = dir.File("map");
        var made = CliRunner.Run(Map(dest));
        Assert.True(made.ExitCode == 0, made.Error + made.Output);
        Assert.Empty(Partials(dest));
    }

    [Fact]
    public void AStalePartialFileOfAShardIsRemovedWhenTheJobThatRedoesItCompletes()
    {
        using var dir = new TempDir();
        var dest = dir.File("map");
        var made = CliRunner.Run(Map(dest));
        Assert.True(made.ExitCode == 0, made.Error + made.Output);
        var manifest = JobManifest.Parse(File.ReadAllBytes(Path.Combine(dest, JobManifest.FileName)), "manifest");

        // What a start call that failed on a dying silo leaves: an empty partial file beside the shard it began; the
        // shard itself is then redone (here: its file damaged, so the reprocess recomputes it).
        var victim = Path.Combine(dest, manifest.Shards[2].Name);
        File.WriteAllBytes(victim + ".partial-" + Guid.NewGuid().ToString("N"), []);
        File.WriteAllBytes(victim, [1, 2, 3]);
        var again = CliRunner.Run(Map(dest));
        Assert.True(again.ExitCode == 0, again.Error + again.Output);
        Assert.Contains($"{manifest.Shards.Count - 1} already produced", again.Output);
        Assert.Empty(Partials(dest));
    }
}
