using Microsoft.Extensions.Hosting;
using RangeOrleans.Abstractions;
using RangeOrleans.Core.Banks;
using RangeOrleans.Storage;
using RangeOrleans.Training.Banks;

namespace RangeOrleans.Cluster.Tests;

/// <summary>Bank construction jobs on separate silo processes (Redis, Azurite): one silo killed while it runs; a cancel.</summary>
public sealed class BankJobTests(BankEncoders encoders) : IClassFixture<BankEncoders>, IDisposable
{
    private readonly LocalCluster _cluster = new();

    [Fact]
    public async Task BankJobCompletesWithEveryShardRecordedWhenASiloIsKilled()
    {
        var (host, client, job, _) = await StartJobAsync("failover", doneShards: 3);
        using var connected = host;
        _cluster.Silos[1].Kill();

        var status = await WaitAsync(job, s => s.IsFinal);
        Assert.True(status.State == JobState.Completed, $"{status.State}: {status.Error}");
        Assert.Equal((30, 30, 3000L), (status.TotalShards, status.DoneShards, status.Entries));
        var store = Store("failover");
        var recorded = await RecordedShardsAsync(store);
        Assert.Equal(30, recorded.Count);
        foreach (var (name, sha) in recorded) Assert.Equal(sha, await store.Sha256Async(name));
        Assert.Equal(status.BankSha256, await store.Sha256Async("bank.arrow"));
        var bank = ArrowBankFile.Read(new MemoryStream(await store.ReadAllBytesAsync("bank.arrow")), "bank.arrow");
        Assert.Equal(3000, bank.Count);
        Assert.Equal(JobState.Completed, (await client.GetGrain<IJobRegistryGrain>(IJobRegistryGrain.Key).FindAsync("bank-failover"))!.State);
        await host.StopAsync();
    }

    [Fact]
    public async Task ABankJobWhoseSilosAllDieIsFinishedByNewSilosWithoutRebuildingARecordedShard()
    {
        var (host, _, _, _) = await StartJobAsync("restart", doneShards: 3);
        // shards.sha256 is written after the job's state records a shard: wait until it lists them too, so that the kill
        // leaves shards recorded on storage (the status said 3 while the file still listed 2 in one CI run).
        await _cluster.WaitAsync(async () => await Store("restart").ExistsAsync(LocalBankJob.ShardHashesFile) ? (await RecordedShardsAsync(Store("restart"))).Count : 0,
            recorded => recorded >= 3, "shards.sha256 listing 3 shards");
        Dictionary<string, DateTimeOffset> times = [];
        var container = StagedBlocks.Container(_cluster.Azurite.ConnectionString, "banks");
        using (host)
        {
            // Every silo, the job grain's included, killed at once.
            _cluster.KillAllSilos();
            foreach (var name in (await RecordedShardsAsync(Store("restart"))).Keys)
                times[name] = (await container.GetBlobClient($"restart/{name}").GetPropertiesAsync()).Value.LastModified;
        }
        Assert.InRange(times.Count, 3, 29);

        await _cluster.StartSilosAsync(2);
        var (again, client) = await _cluster.ConnectAsync();
        using (again)
        {
            // The silos resume it from its stored state (JobResumer): no resubmit.
            var status = await WaitAsync(client.GetGrain<IBankJobGrain>("bank-restart"), s => s.IsFinal);
            Assert.True(status.State == JobState.Completed, $"{status.State}: {status.Error}");
            Assert.Equal((30, 3000L), (status.DoneShards, status.Entries));
            var recorded = await RecordedShardsAsync(Store("restart"));
            foreach (var (name, time) in times)
                Assert.Equal(time, (await container.GetBlobClient($"restart/{name}").GetPropertiesAsync()).Value.LastModified);
            foreach (var (name, sha) in recorded) Assert.Equal(sha, await Store("restart").Sha256Async(name));
            Assert.Equal(status.BankSha256, await Store("restart").Sha256Async(LocalBankJob.BankFile));
            await again.StopAsync();
        }
    }

    [Fact]
    public async Task CancelledBankJobKeepsOnlyItsRecordedShardsAndLeavesNoUnfinishedUploadOrBank()
    {
        var (host, client, job, running) = await StartJobAsync("cancel", doneShards: 2);
        using var connected = host;
        // What a writer killed mid-upload leaves (staged, uncommitted blocks), under a shard that has not finished.
        var container = StagedBlocks.Container(_cluster.Azurite.ConnectionString, "banks");
        string abandoned = LocalBankJob.ShardBlob(running.TotalShards - 1);
        await StagedBlocks.StageAsync(container, $"cancel/{abandoned}");

        var cancelled = await job.CancelAsync();
        Assert.Equal(JobState.Cancelled, cancelled.State);
        Assert.True(cancelled.RunningShards > 0, "no shard was running when the job was cancelled: the test proves nothing about stopping them");
        var status = await WaitAsync(job, s => !s.CleaningUp);
        Assert.True(status.State == JobState.Cancelled && status.Error is null, $"{status.State}: {status.Error}");
        Assert.Equal(0, status.RunningShards);
        Assert.InRange(status.DoneShards, 2, status.TotalShards - 1);

        // Recorded shards are kept, each matching its SHA-256; nothing else is in shards/; no bank.arrow.
        var store = Store("cancel");
        var recorded = await RecordedShardsAsync(store);
        Assert.Equal(status.DoneShards, recorded.Count);
        Assert.Equal(recorded.Keys.Order(StringComparer.Ordinal), await MapJobs.NamesAsync(store, "shards/"));
        foreach (var (name, sha) in recorded) Assert.Equal(sha, await store.Sha256Async(name));
        Assert.False(await store.ExistsAsync(LocalBankJob.BankFile));
        // No unfinished upload is left under any unrecorded shard's name, the abandoned one included.
        var unfinished = Enumerable.Range(0, status.TotalShards).Select(LocalBankJob.ShardBlob).Where(n => !recorded.ContainsKey(n)).ToList();
        Assert.Contains(abandoned, unfinished);
        foreach (var name in unfinished) Assert.True(await StagedBlocks.CountAsync(container, $"cancel/{name}") == 0, $"{name} has staged blocks left");
        // The shards the cancel stopped say so: cancelled, not failed.
        var stopped = await Task.WhenAll(Enumerable.Range(0, status.TotalShards).Where(i => !recorded.ContainsKey(LocalBankJob.ShardBlob(i)))
            .Select(i => client.GetGrain<IBankShardGrain>($"bank-cancel/{i}").GetProgressAsync()));
        Assert.Contains(stopped, p => p.State == ShardRunState.Cancelled);
        Assert.DoesNotContain(stopped, p => p.State == ShardRunState.Failed);

        // Nothing runs or is dispatched any more; cancelling again changes nothing; the registry says cancelled.
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.Equal(status, await job.GetStatusAsync());
        Assert.Equal(recorded.Keys.Order(StringComparer.Ordinal), await MapJobs.NamesAsync(store, "shards/"));
        Assert.Equal(status, await job.CancelAsync());
        var listed = await client.GetGrain<IJobRegistryGrain>(IJobRegistryGrain.Key).FindAsync("bank-cancel");
        Assert.Equal((JobKind.Bank, JobState.Cancelled), (listed!.Kind, listed.State));
        await host.StopAsync();
    }

    [Fact]
    public async Task ACancelledBankJobResubmittedUnderANewIdBuildsOnlyTheShardsItHadNotRecorded()
    {
        var (host, client, job, _) = await StartJobAsync("resumed", doneShards: 3);
        using var connected = host;
        await job.CancelAsync();
        var cancelled = await WaitAsync(job, s => !s.CleaningUp);
        Assert.Equal(JobState.Cancelled, cancelled.State);
        var store = Store("resumed");
        var recorded = await RecordedShardsAsync(store);
        Assert.InRange(recorded.Count, 3, cancelled.TotalShards - 1);
        var container = StagedBlocks.Container(_cluster.Azurite.ConnectionString, "banks");
        var times = new Dictionary<string, DateTimeOffset>();
        foreach (var name in recorded.Keys) times[name] = (await container.GetBlobClient($"resumed/{name}").GetPropertiesAsync()).Value.LastModified;

        var again = client.GetGrain<IBankJobGrain>("bank-resumed-again");
        await again.SubmitAsync(encoders.Spec(3000, 100, "az://banks/resumed"));
        var status = await WaitAsync(again, s => s.IsFinal);
        Assert.True(status.State == JobState.Completed, $"{status.State}: {status.Error}");
        Assert.Equal(recorded.Count, status.ReusedShards);
        var bank = ArrowBankFile.Read(new MemoryStream(await store.ReadAllBytesAsync("bank.arrow")), "bank.arrow");
        Assert.Equal(3000, bank.Count);
        foreach (var (name, sha) in recorded)
        {
            Assert.Equal(sha, await store.Sha256Async(name));
            Assert.Equal(times[name], (await container.GetBlobClient($"resumed/{name}").GetPropertiesAsync()).Value.LastModified);
        }
        // The new job started only the shards not recorded before: a reused shard's grain never ran.
        var progress = await Task.WhenAll(Enumerable.Range(0, status.TotalShards)
            .Select(async i => (Name: LocalBankJob.ShardBlob(i), (await client.GetGrain<IBankShardGrain>($"bank-resumed-again/{i}").GetProgressAsync()).State)));
        Assert.All(progress, p => Assert.Equal(recorded.ContainsKey(p.Name) ? ShardRunState.Idle : ShardRunState.Done, p.State));
        await host.StopAsync();
    }

    [Fact]
    public async Task ABankJobOntoADestHoldingAnotherSettingsBankIsRefusedAndReusesNoneOfItsShardsUnlessItOverwrites()
    {
        await _cluster.StartSilosAsync(1);
        var (host, client) = await _cluster.ConnectAsync();
        using (host)
        {
            // A value encoder the silo cannot read: refused at submit, naming the silo and the file (the API's 400).
            var missing = encoders.Spec(300, 100, "az://banks/claimed") with { Mae = Path.Combine(Path.GetTempPath(), $"no-such-mae-{Guid.NewGuid():N}.ckpt") };
            var unreadable = await Assert.ThrowsAsync<ArgumentException>(() => client.GetGrain<IBankJobGrain>("bank-claimed-missing").SubmitAsync(missing));
            Assert.Contains("which coordinates bank job 'bank-claimed-missing'", unreadable.Message);
            Assert.Contains($"'{missing.Mae}' does not exist", unreadable.Message);

            var first = client.GetGrain<IBankJobGrain>("bank-claimed");
            await first.SubmitAsync(encoders.Spec(300, 100, "az://banks/claimed"));
            var built = await WaitAsync(first, s => s.IsFinal);
            Assert.True(built.State == JobState.Completed, $"{built.State}: {built.Error}");
            var store = Store("claimed");
            var recorded = await store.ReadAllTextAsync(LocalBankJob.ShardHashesFile);

            // Another seed samples other entries: none of the recorded shards is this job's. Submitted as the HTTP API
            // does, straight to the grain (no client made a claim first).
            var other = encoders.Spec(300, 100, "az://banks/claimed") with { Seed = 5 };
            var refused = await Assert.ThrowsAsync<ArgumentException>(() => client.GetGrain<IBankJobGrain>("bank-claimed-other").SubmitAsync(other));
            Assert.Contains("bank of bank job 'bank-claimed' with other settings: seed 4 (this job: 5)", refused.Message);
            Assert.Contains("--overwrite", refused.Message);
            Assert.Equal(recorded, await store.ReadAllTextAsync(LocalBankJob.ShardHashesFile));
            Assert.Equal(built.BankSha256, await store.Sha256Async(LocalBankJob.BankFile));
            Assert.Null(await client.GetGrain<IJobRegistryGrain>(IJobRegistryGrain.Key).FindAsync("bank-claimed-other"));

            // Overwrite removes the other bank first: every shard is built again.
            var replacing = client.GetGrain<IBankJobGrain>("bank-claimed-overwrite");
            await replacing.SubmitAsync(other with { Overwrite = true });
            var replaced = await WaitAsync(replacing, s => s.IsFinal);
            Assert.True(replaced.State == JobState.Completed, $"{replaced.State}: {replaced.Error}");
            Assert.Equal((0, 3), (replaced.ReusedShards, replaced.DoneShards));
            Assert.NotEqual(recorded, await store.ReadAllTextAsync(LocalBankJob.ShardHashesFile));
            await host.StopAsync();
        }
    }

    /// <summary>
    /// Two silos and a client; job bank-NAME (3,000 entries in 30 shards, to az://banks/NAME) submitted and running with
    /// <paramref name="doneShards"/> shards done. Dispose the host (after StopAsync) when done.
    /// </summary>
    private async Task<(IHost Host, IClusterClient Client, IBankJobGrain Job, BankJobStatus Running)> StartJobAsync(string name, int doneShards)
    {
        await _cluster.StartSilosAsync(2);
        var (host, client) = await _cluster.ConnectAsync();
        var job = client.GetGrain<IBankJobGrain>($"bank-{name}");
        await job.SubmitAsync(encoders.Spec(3000, 100, $"az://banks/{name}"));
        var running = await WaitAsync(job, s => s.DoneShards >= doneShards || s.IsFinal);
        Assert.False(running.IsFinal, $"the job ended ({running.State}: {running.Error}) before the test could step in: make it bigger if it completed");
        return (host, client, job, running);
    }

    private IBlobStore Store(string prefix) => BlobStores.Open($"az://banks/{prefix}", _cluster.Azurite.ConnectionString);

    /// <summary>shards.sha256: shard blob name to SHA-256.</summary>
    private static async Task<Dictionary<string, string>> RecordedShardsAsync(IBlobStore store) =>
        (await store.ReadAllTextAsync(LocalBankJob.ShardHashesFile)).Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split("  ")).ToDictionary(parts => parts[1], parts => parts[0]);

    private Task<BankJobStatus> WaitAsync(IBankJobGrain job, Func<BankJobStatus, bool> until) =>
        _cluster.WaitAsync(job.GetStatusAsync, until, "bank job");

    public void Dispose() => _cluster.Dispose();
}
