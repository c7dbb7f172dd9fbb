using RangeOrleans.Grains.Pretraining;

namespace RangeOrleans.Cluster.Tests;

/// <summary>What a silo leaves in its temp folder: a pretrain run's work folder goes when the run ends, or, if its silo was killed, when the next run starts.</summary>
public sealed class PretrainWorkFolderTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), $"range-workfolders-{Guid.NewGuid():N}");

    [Fact]
    public void ANewFolderRemovesTheFoldersNoRunHoldsAndKeepsTheOthers()
    {
        string abandoned, inUse;
        using (var live = PretrainWorkFolder.Create(out _, _root))
        {
            inUse = live.Path;
            // A killed run: its lock file is there, but no process holds it any more.
            abandoned = Path.Combine(_root, "pretrain-killed");
            Directory.CreateDirectory(abandoned);
            File.WriteAllText(Path.Combine(abandoned, ".lock"), "");
            File.WriteAllText(Path.Combine(abandoned, "last.ckpt"), "x");
            // A run being set up: no lock file yet, and young.
            var starting = Directory.CreateDirectory(Path.Combine(_root, "pretrain-starting")).FullName;
            var unrelated = Directory.CreateDirectory(Path.Combine(_root, "0123abcd")).FullName;

            using var next = PretrainWorkFolder.Create(out var removed, _root);
            Assert.Equal([abandoned], removed);
            Assert.False(Directory.Exists(abandoned));
            Assert.True(Directory.Exists(inUse));
            Assert.True(Directory.Exists(starting));
            Assert.True(Directory.Exists(unrelated));
            Assert.NotEqual(inUse, next.Path);
        }
        Assert.False(Directory.Exists(inUse));
    }

    public void Dispose()
    {
        try { Directory.Delete(_root, recursive: true); } catch (IOException) { }
    }
}
