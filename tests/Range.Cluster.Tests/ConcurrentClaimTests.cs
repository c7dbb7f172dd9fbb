using RangeOrleans.Abstractions;
using RangeOrleans.Core.Jobs;
using RangeOrleans.Storage;
using RangeOrleans.Testing;

namespace RangeOrleans.Cluster.Tests;

/// <summary>
/// Two jobs started at the same moment onto one DEST: exactly one proceeds and writes DEST, the other is refused with one
/// line naming DEST and who holds it; on a local folder (two `range map` processes, each its own in-process silo, so
/// only the create-if-absent job.json decides) and on Azurite (two submits to one cluster).
/// </summary>
public sealed class ConcurrentClaimTests : IDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("range-claims-");
    private LocalCluster? _cluster;

    [Fact]
    public async Task TwoMapsStartedAtOnceOntoOneLocalFolderOneWritesItAndTheOtherIsRefused()
    {
        var dest = Path.Combine(_folder.FullName, "map");
        string[] map(string grid, string jobId) => ["map", "--grid", grid, "--shard-degrees", "45", "--checkpoint", TestData.Fixture("satclip_l10/satclip.ckpt"),
            "--model", "satclip", "--out", dest, "--job-id", jobId];
        var runs = new[] { RangeCli.Start(map("5", "five"), timeout: TimeSpan.FromMinutes(5)), RangeCli.Start(map("10", "ten"), timeout: TimeSpan.FromMinutes(5)) };
        var results = await Task.WhenAll(runs.Select(r => r.Result));

        var winner = Assert.Single(results, r => r.ExitCode == 0);
        var loser = Assert.Single(results, r => r.ExitCode != 0);
        Assert.Contains("give --overwrite to replace it, or another --output", loser.Output + loser.Error);
        Assert.DoesNotContain("   at ", loser.Error);
        var manifest = JobManifest.Parse(await File.ReadAllBytesAsync(Path.Combine(dest, JobManifest.FileName)), "manifest");
        long points = winner == results[0] ? 72 * 36 : 36 * 18;
        await MapJobs.AssertOutputCompleteAsync(BlobStores.Open(dest), points, manifest.Shards.Count);
        Assert.Empty(Directory.GetFiles(dest, "*.partial-*", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task TwoSubmitsAtOnceOntoOneAzureDestOneProceedsAndTheOtherIsRefused()
    {
        _cluster = new LocalCluster();
        await _cluster.StartSilosAsync(1);
        var (host, client) = await _cluster.ConnectAsync();
        using (host)
        {
            var spec = MapJobs.Fibonacci(20_000, "az://maps/claimed", shardDegrees: 90);
            var submits = new[] { "first", "second" }.Select(id => Task.Run(async () =>
            {
                try { await client.GetGrain<IJobCoordinatorGrain>(id).SubmitAsync(spec); return (id, (string?)null); }
                catch (ArgumentException e) { return (id, e.Message); }
            })).ToList();
            var outcomes = await Task.WhenAll(submits);

            var proceeded = Assert.Single(outcomes, o => o.Item2 is null).id;
            var refused = Assert.Single(outcomes, o => o.Item2 is not null);
            Assert.Equal($"az://maps/claimed is being written by map job '{proceeded}' (preparing); wait for it to end (range status {proceeded}) or cancel it, or give another --output",
                refused.Item2!.Replace("(running)", "(preparing)"));
            var done = await _cluster.WaitAsync(client, proceeded, s => s.IsFinal);
            Assert.True(done.State == JobState.Completed, $"{done.State}: {done.Error}");
            await MapJobs.AssertOutputCompleteAsync(BlobStores.Open("az://maps/claimed", _cluster.Azurite.ConnectionString), 20_000, done.TotalShards);
            Assert.Equal(JobState.Unknown, (await client.StatusAsync(refused.id)).State); // nothing stored for the refused one
            await host.StopAsync();
        }
    }

    public void Dispose()
    {
        _cluster?.Dispose();
        _folder.Delete(recursive: true);
    }
}
