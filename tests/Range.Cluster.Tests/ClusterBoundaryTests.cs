using RangeOrleans.Abstractions;
using RangeOrleans.Storage;
using RangeOrleans.Testing;

namespace RangeOrleans.Cluster.Tests;

/// <summary>
/// The silos' front door (docs/security.md): a real Orleans client holding a valid client certificate of a mutual-TLS
/// cluster and the Redis password, against a real `range silo`, calls the cluster's internal grain methods directly.
/// Each call is refused with the one line, nothing is written outside the silo's root, forged shard reports change no
/// job, the registry keeps no fake entry, and the public surface (`range submit/status/cancel/jobs`) still works.
/// </summary>
public sealed class ClusterBoundaryTests : IDisposable
{
    private const string Password = "boundary-redis-password-7d2e";
    private const string Refusal = "is internal to the cluster; clients use submit/status/cancel/jobs";
    private readonly TestCertificates _ca = new();
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("range-boundary-");
    private LocalCluster _cluster = null!;

    [Fact]
    public async Task A_client_with_a_valid_certificate_is_refused_every_internal_call_and_forged_reports_change_no_job()
    {
        string allowed = Directory.CreateDirectory(Path.Combine(_folder.FullName, "allowed")).FullName;
        string outside = Directory.CreateDirectory(Path.Combine(_folder.FullName, "outside")).FullName;
        string checkpoint = Path.Combine(allowed, "satclip.ckpt");
        File.Copy(TestData.Sample("satclip_l10_fixture.ckpt"), checkpoint);
        _cluster = new LocalCluster(redisPassword: Password, certificates: _ca);
        await _cluster.StartSilosAsync(1, access: ["--data-root", allowed]);
        var (host, client) = await _cluster.ConnectAsync();
        using var connected = host;

        // A real job, whose running shards a forger reports done with made-up hashes for as long as it runs.
        const long points = 60_000;
        var spec = MapJobs.Fibonacci(points, Path.Combine(allowed, "real")) with { Model = new ModelSpec { Checkpoint = checkpoint, Model = "satclip" } };
        await client.GetGrain<IJobCoordinatorGrain>("real").SubmitAsync(spec);
        var tiles = (await _cluster.WaitAsync(() => client.GetGrain<IJobCoordinatorGrain>("real").GetShardsAsync(), s => s.Length > 0, "the shard table"))
            .ToDictionary(s => s.TileId, s => s.ExpectedRows);
        const string forgedHash = "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff";
        var coordinator = client.GetGrain<IJobCoordinatorGrain>("real");
        int forged = 0;
        while (!(await client.StatusAsync("real")).IsFinal)
        {
            foreach (var (tile, rows) in tiles)
            {
                for (int attempt = 1; attempt <= 2; attempt++)
                    await coordinator.ShardChangedAsync(tile, new ShardProgress
                    {
                        State = ShardRunState.Done, Attempt = attempt, RowsDone = rows,
                        Result = new ShardResult { Blob = $"shards/{tile}.arrow", Rows = rows, Sha256 = forgedHash, Dimension = 256, ModelKind = "satclip" },
                    });
                forged++;
            }
            await Task.Delay(50);
        }
        Assert.True(forged > tiles.Count, $"only {forged} forged reports were sent: make the job bigger");
        var status = await client.StatusAsync("real");
        Assert.True(status.State == JobState.Completed, $"{status.State}: {status.Error}");
        Assert.DoesNotContain(await coordinator.GetShardsAsync(), s => s.Sha256 == forgedHash);
        await MapJobs.AssertOutputCompleteAsync(BlobStores.Open(Path.Combine(allowed, "real")), points, status.TotalShards);

        // Each internal method, called as the issue's attacker did: refused with the one line, before any work.
        var outsideSpec = spec with { Destination = Path.Combine(outside, "map") };
        var assignment = new ShardAssignment
        {
            JobId = "forged", TileId = "t+000+00", Attempt = 1, Spec = outsideSpec, OutputBlob = "shards/t+000+00.arrow",
            ModelSha256 = forgedHash, ExpectedRows = 10,
        };
        var bank = new BankJobSpec { Checkpoint = checkpoint, Mae = checkpoint, Data = "earth", Entries = 8, Destination = Path.Combine(outside, "bank") };
        var pretrain = new PretrainJobSpec
        {
            Data = "earth", Entries = 8, Epochs = 1, BatchSize = 4, LearningRate = 1e-4, TileSize = 8, LegendrePolys = 4,
            Destination = Path.Combine(outside, "model"),
        };
        var registry = client.GetGrain<IJobRegistryGrain>(IJobRegistryGrain.Key);
        var calls = new (string Method, Func<Task> Call)[]
        {
            ("IShardGrain.StartAsync", () => client.GetGrain<IShardGrain>("forged/t+000+00").StartAsync(assignment)),
            ("IShardGrain.CancelAsync", () => client.GetGrain<IShardGrain>("real/t+000+00").CancelAsync()),
            ("IBankShardGrain.StartAsync", () => client.GetGrain<IBankShardGrain>("forged-bank/0").StartAsync(bank, 0, 0, 8, 1)),
            ("IBankShardGrain.CancelAsync", () => client.GetGrain<IBankShardGrain>("forged-bank/0").CancelAsync()),
            ("IPretrainWorkerGrain.StartAsync", () => client.GetGrain<IPretrainWorkerGrain>("forged-pretrain/1").StartAsync(pretrain, 1)),
            ("IPretrainWorkerGrain.CancelAsync", () => client.GetGrain<IPretrainWorkerGrain>("forged-pretrain/1").CancelAsync()),
            ("IJobRegistryGrain.RegisterAsync", () => registry.RegisterAsync(new JobSummary { JobId = "ghost", Destination = outside, SubmittedAt = DateTimeOffset.UtcNow })),
            ("IJobRegistryGrain.UpdateAsync", () => registry.UpdateAsync("real", JobState.Failed)),
        };
        foreach (var (method, call) in calls)
        {
            var refused = await Assert.ThrowsAnyAsync<Exception>(call);
            Assert.Contains($"{method} {Refusal}", refused.Message);
        }
        await Task.Delay(TimeSpan.FromSeconds(2)); // anything a call had started would have written by now
        Assert.Empty(Directory.GetFileSystemEntries(outside));
        var jobs = await registry.ListAsync();
        Assert.Equal(["real"], jobs.Select(j => j.JobId));
        Assert.Equal(JobState.Completed, jobs[0].State);
        Assert.Equal(ShardRunState.Idle, (await client.GetGrain<IShardGrain>("forged/t+000+00").GetProgressAsync()).State); // reads stay open

        // The public surface, through the real command with a client certificate: submit, status, cancel, jobs.
        string[] cluster = ["--cluster", _cluster.Redis.ConnectionString, .. LocalCluster.TlsArguments(_ca.Issue("operator", server: false), _ca.AuthorityFile)];
        var submitted = await RangeCli.Start(["submit", .. cluster, "--job-id", "public", "--fibonacci", "2000000", "--checkpoint", checkpoint,
            "--model", "satclip", "--output", Path.Combine(allowed, "public")], _cluster.Environment).Result;
        Assert.True(submitted.ExitCode == 0, submitted.ToString());
        var cancelled = await RangeCli.Start(["cancel", .. cluster, "public"], _cluster.Environment).Result;
        Assert.True(cancelled.ExitCode == 0, cancelled.ToString());
        var watched = await RangeCli.Start(["status", .. cluster, "public"], _cluster.Environment).Result;
        Assert.True(watched.ExitCode == 1 && watched.Output.Contains("cancelled", StringComparison.OrdinalIgnoreCase), watched.ToString()); // exit 1: cancelled
        var listed = await RangeCli.Start(["jobs", .. cluster], _cluster.Environment).Result;
        Assert.True(listed.ExitCode == 0 && listed.Output.Contains("real") && listed.Output.Contains("public") && !listed.Output.Contains("ghost"), listed.ToString());
    }

    public void Dispose()
    {
        _cluster?.Dispose();
        _ca.Dispose();
        _folder.Delete(recursive: true);
    }
}
