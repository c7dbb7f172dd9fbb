using RangeOrleans.Testing;

namespace RangeOrleans.Cluster.Tests;

/// <summary>
/// Silos decide what jobs touch: through the real `range` command against `range silo` processes started with
/// --data-root and --allow-container, a job naming a DEST, input or checkpoint outside them (directly, through a
/// symbolic link, or in a container not allowed) is refused by the silo in one line naming the path and the rule,
/// exit 2, before any file or folder is created; the same job inside the roots completes.
/// </summary>
public sealed class SiloAllowedRootsTests : IDisposable
{
    private readonly LocalCluster _cluster = new();
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("range-roots-");

    [Fact]
    public async Task AJobNamingAnythingOutsideTheSilosRootsIsRefusedBeforeAnyFileAndOneInsideCompletes()
    {
        string allowed = Directory.CreateDirectory(Path.Combine(_folder.FullName, "allowed")).FullName;
        string outside = Directory.CreateDirectory(Path.Combine(_folder.FullName, "outside")).FullName;
        await _cluster.StartSilosAsync(2, access: ["--data-root", allowed, "--allow-container", "maps"]);
        string redis = _cluster.Redis.ConnectionString;
        string checkpoint = Path.Combine(allowed, "satclip.ckpt"), outsideCheckpoint = Path.Combine(outside, "satclip.ckpt");
        File.Copy(TestData.Sample("satclip_l10_fixture.ckpt"), checkpoint);
        File.Copy(checkpoint, outsideCheckpoint);
        string points = Path.Combine(allowed, "points.csv"), outsidePoints = Path.Combine(outside, "points.csv");
        await File.WriteAllTextAsync(points, "lon,lat\n10,20\n-70,-30\n120,45\n");
        File.Copy(points, outsidePoints);
        string escape = Path.Combine(allowed, "escape");
        Directory.CreateSymbolicLink(escape, outside); // inside by name, outside in fact

        string[] Map(string ckpt, string input, string dest, string id) =>
            ["map", "--cluster", redis, "--job-id", id, "--checkpoint", ckpt, "--model", "satclip", "--input", input, "--output", dest];
        var refusals = new (string[] Args, string Expected, string MustNotExist)[]
        {
            (Map(checkpoint, points, Path.Combine(outside, "dest"), "dest-outside"),
                $"--output '{outside}/dest': outside this silo's data roots ({allowed}; range silo --data-root, RANGE_DATA_ROOTS)", Path.Combine(outside, "dest")),
            (Map(checkpoint, outsidePoints, Path.Combine(allowed, "input-outside"), "input-outside"),
                $"--input '{outsidePoints}': outside this silo's data roots", Path.Combine(allowed, "input-outside")),
            (Map(outsideCheckpoint, points, Path.Combine(allowed, "ckpt-outside"), "ckpt-outside"),
                $"--checkpoint '{outsideCheckpoint}': outside this silo's data roots", Path.Combine(allowed, "ckpt-outside")),
            (Map(checkpoint, points, Path.Combine(escape, "dest"), "through-link"),
                $"--output '{escape}/dest' (resolves to '{outside}/dest'): outside this silo's data roots", Path.Combine(outside, "dest")),
            (Map(checkpoint, points, Path.Combine(allowed, "sub", "..", "..", "outside", "dotdot"), "dot-dot"),
                $"--output '{outside}/dotdot': outside this silo's data roots", Path.Combine(outside, "dotdot")), // the client made it absolute
            (Map(checkpoint, points, "az://secrets/map", "container"),
                "--output 'az://secrets/map': container 'secrets' is not one this silo allows (maps; range silo --allow-container, RANGE_ALLOWED_CONTAINERS)", ""),
            (["pretrain", "--cluster", redis, "--data", "earth", "--epochs", "1", "--output", Path.Combine(outside, "model")],
                $"--output '{outside}/model': outside this silo's data roots", Path.Combine(outside, "model")),
        };
        foreach (var (args, expected, mustNotExist) in refusals)
        {
            var refused = await RangeCli.RunAsync(args);
            Assert.True(refused.ExitCode == 2, refused.ToString());
            Assert.StartsWith("error: ", refused.Error.Trim());
            Assert.Contains(expected, refused.Error);
            Assert.Single(refused.Error.Trim().Split('\n'));
            if (mustNotExist.Length > 0) Assert.False(Path.Exists(mustNotExist), $"{mustNotExist} was created: {refused}");
        }
        Assert.Equal(["points.csv", "satclip.ckpt"], Directory.GetFileSystemEntries(outside).Select(Path.GetFileName).Order());
        Assert.Equal(["escape", "points.csv", "satclip.ckpt"], Directory.GetFileSystemEntries(allowed).Select(Path.GetFileName).Order());

        var inside = await RangeCli.RunAsync(Map(checkpoint, points, Path.Combine(allowed, "map"), "inside"));
        Assert.True(inside.ExitCode == 0, inside.ToString());
        Assert.True(File.Exists(Path.Combine(allowed, "map", "manifest.json")), inside.ToString());
    }

    public void Dispose()
    {
        _cluster.Dispose();
        _folder.Delete(recursive: true);
    }
}
