using RangeOrleans.Core.Formats;

namespace RangeOrleans.Core.Tests.Formats;

/// <summary>The one atomic file write: unique temporary name beside the target, the target whole or untouched, nothing left behind.</summary>
public sealed class PendingFileTests : IDisposable
{
    private readonly TempDir _dir = new();

    [Fact]
    public void ACommittedWriteReplacesTheTargetAndLeavesNoTemporaryFile()
    {
        var target = _dir.File("a.bin");
        File.WriteAllBytes(target, [1, 2, 3]);
        PendingFile.WriteAllBytes(target, [4, 5]);
        Assert.Equal([4, 5], File.ReadAllBytes(target));
        Assert.Equal([target], Directory.GetFiles(_dir.Path));
    }

    [Fact]
    public void AWriteThatThrowsLeavesTheOldTargetAndNoTemporaryFile()
    {
        var target = _dir.File("a.bin");
        File.WriteAllBytes(target, [1, 2, 3]);
        Assert.Throws<InvalidOperationException>(() => PendingFile.Write(target, temp =>
        {
            File.WriteAllBytes(temp, [9, 9]);
            throw new InvalidOperationException("the library failed half-way");
        }));
        Assert.Equal([1, 2, 3], File.ReadAllBytes(target));
        Assert.Equal([target], Directory.GetFiles(_dir.Path));
    }

    [Fact]
    public void TwoWritersOfOneTargetUseDifferentTemporaryNames()
    {
        var target = _dir.File("a.bin");
        using var first = new PendingFile(target);
        using var second = new PendingFile(target);
        Assert.NotEqual(first.TempPath, second.TempPath);
        Assert.StartsWith(target + PendingFile.PartialMarker, first.TempPath, StringComparison.Ordinal);
    }

    [Fact]
    public void APathWritingLibraryGetsTheTemporaryPathAndTheTargetAppearsOnlyAtTheEnd()
    {
        var target = _dir.File("state.optim");
        PendingFile.Write(target, temp =>
        {
            Assert.False(File.Exists(target));
            File.WriteAllBytes(temp, [7]);
        });
        Assert.Equal([7], File.ReadAllBytes(target));
        Assert.Equal([target], Directory.GetFiles(_dir.Path));
    }

    [Fact]
    public void OfManyExclusiveCreatesOfOneTargetAtOnceExactlyOneWins()
    {
        // Many rounds: a check-then-rename lets two win only now and then (once in two suite runs, before link(2)).
        for (int round = 0; round < 100; round++)
        {
            var target = _dir.File($"job{round}.json");
            var won = new bool[16];
            using var start = new Barrier(won.Length);
            var threads = Enumerable.Range(0, won.Length).Select(i => new Thread(() =>
            {
                start.SignalAndWait();
                won[i] = PendingFile.CreateNew(target, [(byte)i]);
            })).ToArray();
            foreach (var thread in threads) thread.Start();
            foreach (var thread in threads) thread.Join();
            int winner = Assert.Single(Enumerable.Range(0, won.Length), i => won[i]);
            Assert.Equal([(byte)winner], File.ReadAllBytes(target));
            Assert.False(PendingFile.CreateNew(target, [200]));
        }
        Assert.Equal(100, Directory.GetFiles(_dir.Path).Length); // no temporary file left behind
    }

    public void Dispose() => _dir.Dispose();
}
