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
    public void AStalePartialFromAnEarlierRunIsRemovedWhenTheMapCompletes()
    {
        using var dir = new TempDir();
        var dest = dir.File("map");
        // What a killed writer of an earlier run leaves: the coordinator of this run never heard of it.
        var stale = Path.Combine(dest, "shards", "t-stale.arrow.partial-0123abcd");
        Directory.CreateDirectory(Path.GetDirectoryName(stale)!);
        File.WriteAllBytes(stale, new byte[100]);
        var made = CliRunner.Run(Map(dest));
        Assert.True(made.ExitCode == 0, made.Error + made.Output);
        Assert.Empty(Partials(dest));
    }
}
