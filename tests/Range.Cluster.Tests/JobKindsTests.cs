using RangeOrleans.Abstractions;
using RangeOrleans.Testing;

namespace RangeOrleans.Cluster.Tests;

/// <summary>
/// Map, bank and pretrain jobs side by side on one cluster (a `range silo` process, Redis, Azurite): `range jobs`,
/// `range status` and `range cancel` (the real CLI, run as a process) work on every kind, and a job id belongs to one kind.
/// </summary>
public sealed class JobKindsTests(BankEncoders encoders) : IClassFixture<BankEncoders>, IDisposable
{
    private readonly LocalCluster _cluster = new();

    [Fact]
    public async Task RangeJobsStatusAndCancelWorkOnEveryKindAndAJobIdBelongsToOneKind()
    {
        await _cluster.StartSilosAsync(1);
        var (host, client) = await _cluster.ConnectAsync();
        using var connected = host;
        var map = client.GetGrain<IJobCoordinatorGrain>("kinds-map");
        var bank = client.GetGrain<IBankJobGrain>("kinds-bank");
        var pretrain = client.GetGrain<IPretrainJobGrain>("kinds-pretrain");
        var mapSpec = MapJobs.Fibonacci(2000, "az://maps/kinds");
        var bankSpec = encoders.Spec(200, 100, "az://banks/kinds");
        var pretrainSpec = new PretrainJobSpec
        {
            Data = "earth", Entries = 48, Epochs = 1, BatchSize = 16, LearningRate = 1e-4, TileSize = 8, LegendrePolys = 4, Destination = "az://models/kinds",
        };
        await map.SubmitAsync(mapSpec);
        await bank.SubmitAsync(bankSpec);
        await pretrain.SubmitAsync(pretrainSpec);

        // One namespace: an id taken by one kind is refused to the others, naming the id and its kind, and nothing is stored.
        Assert.Contains("job id 'kinds-map' is already taken by a map job",
            (await Assert.ThrowsAsync<ArgumentException>(() => client.GetGrain<IBankJobGrain>("kinds-map").SubmitAsync(bankSpec))).Message);
        Assert.Contains("job id 'kinds-bank' is already taken by a bank job",
            (await Assert.ThrowsAsync<ArgumentException>(() => client.GetGrain<IPretrainJobGrain>("kinds-bank").SubmitAsync(pretrainSpec))).Message);
        Assert.Contains("job id 'kinds-pretrain' is already taken by a pretrain job",
            (await Assert.ThrowsAsync<ArgumentException>(() => client.GetGrain<IJobCoordinatorGrain>("kinds-pretrain").SubmitAsync(mapSpec))).Message);
        Assert.Equal(JobState.Unknown, (await client.GetGrain<IBankJobGrain>("kinds-map").GetStatusAsync()).State);
        Assert.Equal(JobState.Unknown, (await client.GetGrain<IPretrainJobGrain>("kinds-bank").GetStatusAsync()).State);
        Assert.Equal(JobState.Unknown, (await client.StatusAsync("kinds-pretrain")).State);

        Assert.True((await _cluster.WaitAsync(map.GetStatusAsync, s => s.IsFinal, "map job")).State == JobState.Completed, _cluster.SiloLogs());
        Assert.True((await _cluster.WaitAsync(bank.GetStatusAsync, s => s.IsFinal, "bank job")).State == JobState.Completed, _cluster.SiloLogs());
        Assert.True((await _cluster.WaitAsync(pretrain.GetStatusAsync, s => s.IsFinal, "pretrain job")).State == JobState.Completed, _cluster.SiloLogs());
        var registry = await client.GetGrain<IJobRegistryGrain>(IJobRegistryGrain.Key).ListAsync();
        Assert.Equal([("kinds-map", JobKind.Map), ("kinds-bank", JobKind.Bank), ("kinds-pretrain", JobKind.Pretrain)], registry.Select(j => (j.JobId, j.Kind)));
        Assert.All(registry, j => Assert.Equal(JobState.Completed, j.State));
        string redis = _cluster.Redis.ConnectionString;

        var jobs = await RangeCli.RunAsync("jobs", "--cluster", redis);
        Assert.True(jobs.ExitCode == 0, jobs.ToString());
        var lines = jobs.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal(4, lines.Length);
        Assert.Matches(@"^SUBMITTED\s+KIND\s+JOB: STATUS$", lines[0]);
        Assert.Matches(@"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d  map       kinds-map: completed, 2,000/2,000 points, ", lines[1]);
        Assert.Matches(@"  bank      kinds-bank: completed, 2/2 shards \(0 running\), 200 entries -> az://banks/kinds$", lines[2]);
        Assert.Matches(@"  pretrain  kinds-pretrain: completed, 1/1 epochs stored in 1 attempt\(s\) -> az://models/kinds$", lines[3]);

        var status = await RangeCli.RunAsync("status", "kinds-bank", "--cluster", redis);
        Assert.True(status.ExitCode == 0, status.ToString());
        Assert.Equal("kinds-bank: completed, 2/2 shards (0 running), 200 entries -> az://banks/kinds", status.Output.Trim());

        // Cancelling a job that has ended leaves it as it is.
        var cancel = await RangeCli.RunAsync("cancel", "kinds-pretrain", "--cluster", redis);
        Assert.True(cancel.ExitCode == 0, cancel.ToString());
        Assert.Equal("kinds-pretrain: completed, 1/1 epochs stored in 1 attempt(s) -> az://models/kinds", cancel.Output.Trim());
        Assert.Equal(JobState.Completed, (await pretrain.GetStatusAsync()).State);

        var unknown = await RangeCli.RunAsync("status", "no-such-job", "--cluster", redis);
        Assert.Equal(2, unknown.ExitCode);
        Assert.Contains("no job 'no-such-job' in this cluster", unknown.Error);

        // Every kind retires: `range jobs --prune` deletes the three jobs' state, and no Redis key names them any more.
        using var contents = await RedisContents.ConnectAsync(_cluster);
        Assert.Contains(RedisContents.Keys(contents), k => k.Contains("kinds-pretrain"));
        var pruned = await RangeCli.RunAsync("jobs", "--cluster", redis, "--prune");
        Assert.True(pruned.ExitCode == 0 && pruned.Output.Contains("retired 3 finished job(s)"), pruned.ToString());
        Assert.DoesNotContain(RedisContents.Keys(contents), k => k.Contains("kinds-"));
        Assert.Equal("no jobs", (await RangeCli.RunAsync("jobs", "--cluster", redis)).Output.Trim());
        await host.StopAsync();
    }

    public void Dispose() => _cluster.Dispose();
}
