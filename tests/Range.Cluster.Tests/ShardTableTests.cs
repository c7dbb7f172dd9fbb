using RangeOrleans.Grains.Jobs;

namespace RangeOrleans.Cluster.Tests;

/// <summary>
/// The coordinator's in-memory shard table: what changed is what gets written (the pages a change touched, not the
/// whole table), and the counts and queues a tick reads instead of scanning every shard agree with the rows.
/// </summary>
public sealed class ShardTableTests
{
    private static List<ShardRecord> Rows(int count) =>
        Enumerable.Range(0, count).Select(i => new ShardRecord { TileId = $"t{i}", ExpectedRows = 1 + i % 3 }).ToList();

    private static void SaveAll(ShardTable table)
    {
        foreach (int page in table.DirtyPages.ToList()) table.Saved(page);
    }

    [Fact]
    public void AChangeToOneShardOfAHundredThousandDirtiesOnlyItsPage()
    {
        var table = new ShardTable(Rows(100_010));
        table.MarkAllDirty();
        Assert.Equal(3_126, table.DirtyPages.Count); // a new table is written whole, once
        SaveAll(table);

        var shard = table.Find("t70000")!;
        table.Start(shard);
        Assert.Equal(new[] { 70_000 / ShardTable.PageSize }, table.DirtyPages);
        SaveAll(table);
        table.Done(shard, shard.ExpectedRows, "sha");
        Assert.Equal(new[] { 70_000 / ShardTable.PageSize }, table.DirtyPages);
        Assert.Contains(shard, table.Page(70_000 / ShardTable.PageSize));
        Assert.Equal(ShardTable.PageSize, table.Page(0).Count);
        Assert.Equal(100_010 % ShardTable.PageSize, table.Page(table.PageCount - 1).Count);
    }

    [Fact]
    public void CountsAndQueuesAgreeWithTheRowsAfterAnyMoves()
    {
        var rows = Rows(1_000);
        rows[5].Status = ShardStatus.Done; // a table read back from storage, part done, part running
        rows[5].Rows = rows[5].ExpectedRows;
        rows[5].Skipped = true;
        rows[6].Status = ShardStatus.Running;
        rows[6].Attempts = 1;
        var table = new ShardTable(rows);
        var random = new Random(14);
        for (int step = 0; step < 20_000; step++)
        {
            var shard = rows[random.Next(rows.Count)];
            switch (shard.Status, random.Next(5))
            {
                case (ShardStatus.Pending, _): table.Start(shard); break;
                case (ShardStatus.Running, 0): table.Done(shard, shard.ExpectedRows, "sha"); break;
                case (ShardStatus.Running, 1): table.Retry(shard); break;
                case (ShardStatus.Running, 2): table.StartFailed(shard); break;
                case (ShardStatus.Running, 3): table.SiloFailed(shard, $"silo{random.Next(3)}"); break;
                case (ShardStatus.Running, _): table.Unstart(shard); break;
                case (ShardStatus.Done, _): table.Redo(shard); break;
            }
        }
        Assert.Equal(rows.Count(s => s.Status == ShardStatus.Done), table.DoneShards);
        Assert.Equal(rows.Where(s => s.Status == ShardStatus.Done).Sum(s => s.Rows), table.DonePoints);
        Assert.Equal(rows.Count(s => s.Status == ShardStatus.Running), table.RunningCount);
        Assert.Equal(rows.Where(s => s.Status == ShardStatus.Running), table.Running.OrderBy(s => rows.IndexOf(s)));
        Assert.Equal(rows.Count(s => s.Skipped), table.SkippedShards);
        Assert.Equal(rows.Where(s => s.Status == ShardStatus.Pending).Take(50), table.NextPending(50));
        Assert.Equal(rows.Sum(s => s.ExpectedRows), table.TotalPoints);
        Assert.All(rows, s => Assert.True(s.Attempts >= 0));
        // A failed start call is remembered (it may have left a partial file); silo failures name each silo once.
        Assert.Contains(rows, s => s.StartFailed);
        Assert.All(rows, s => Assert.Equal(s.FailedOnSilos.Distinct().Count(), s.FailedOnSilos.Count));
        Assert.All(rows, s => Assert.True(s.FailedOnSilos.Count <= s.SiloFailures));
    }

    [Fact]
    public void PendingShardsComeInTableOrderSoARetriedShardGoesBeforeLaterOnes()
    {
        var rows = Rows(10);
        var table = new ShardTable(rows);
        var first = table.NextPending(3);
        Assert.Equal(new[] { "t0", "t1", "t2" }, first.Select(s => s.TileId));
        foreach (var shard in first) table.Start(shard);
        table.Retry(rows[1]);
        Assert.Equal(new[] { "t1", "t3" }, table.NextPending(2).Select(s => s.TileId));
        Assert.Equal(1, rows[1].Attempts);
        Assert.False(table.AllDone);
    }
}
