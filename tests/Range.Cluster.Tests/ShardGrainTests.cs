using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using RangeOrleans.Abstractions;
using RangeOrleans.Grains.Shards;
using RangeOrleans.Grains.Maps;

namespace RangeOrleans.Cluster.Tests;

/// <summary>A map shard grain in an in-process silo (the real <c>ShardWork</c>, local files).</summary>
public sealed class ShardGrainTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);
    private readonly string _dest = Path.Combine(Path.GetTempPath(), $"range-shardgrain-{Guid.NewGuid():N}");

    /// <summary>
    /// A run that fails for its silo's own reason (here: the shard's points file is not there for this silo) stays
    /// reported by its activation however often it is asked: the retry goes to a fresh grain id (JOB/TILE#n), so this
    /// activation has no reason to go, and a cancel's stop still learns from it what happened.
    /// </summary>
    [Fact]
    public async Task AShardThatFailedForItsSilosOwnReasonKeepsReportingItsFailure()
    {
        using var host = await InProcessSilo.StartAsync();
        var shard = host.Services.GetRequiredService<IGrainFactory>().GetGrain<IShardGrain>("keep/t0");
        var spec = MapJobs.Files(Path.Combine(_dest, "in.arrow"), _dest, 30);
        await shard.StartAsync(new ShardAssignment
        {
            JobId = "keep", TileId = "t0", Attempt = 1, Spec = spec, OutputBlob = "shards/t0.arrow", PointsBlob = "_work/t0.arrow",
            ModelSha256 = new string('0', 64), ExpectedRows = 1,
        });

        var deadline = DateTime.UtcNow + Timeout;
        ShardProgress failed;
        while ((failed = await shard.GetProgressAsync()).State == ShardRunState.Running)
        {
            Assert.True(DateTime.UtcNow < deadline, "the shard still runs");
            await Task.Delay(50);
        }
        Assert.True(failed is { State: ShardRunState.Failed, SiloDependent: true, Permanent: false }, failed.ToString());
        Assert.Contains("FileNotFoundException on silo ", failed.Error);

        await Task.Delay(TimeSpan.FromSeconds(1)); // a deactivation after the read above would have happened by now
        var again = await shard.GetProgressAsync();
        Assert.Equal((ShardRunState.Failed, true, 1, failed.Error), (again.State, again.SiloDependent, again.Attempt, again.Error));
        await host.StopAsync();
    }

    /// <summary>
    /// Orleans deactivates an activation whose directory entry lived on a silo that died, while its run may still be
    /// writing. The grain's next activation reports Idle, which the coordinator of a cancelled job reads as "nothing
    /// runs" before it removes staged blocks: so that activation answers only once the old one's run has stopped.
    /// </summary>
    [Fact]
    public async Task AShardsNextActivationAnswersOnlyOnceTheDeactivatedOnesRunHasStopped()
    {
        var runner = new SlowToStopRunner(TimeSpan.FromSeconds(2));
        using var host = await InProcessSilo.StartAsync(services: s => s.AddSingleton<IShardRunner>(runner));
        var grains = host.Services.GetRequiredService<IGrainFactory>();
        var shard = grains.GetGrain<IShardGrain>("zombie/t0");
        await shard.StartAsync(new ShardAssignment
        {
            JobId = "zombie", TileId = "t0", Attempt = 1, Spec = MapJobs.Fibonacci(100, _dest, 30), OutputBlob = "shards/t0.arrow",
            ModelSha256 = new string('0', 64), ExpectedRows = 1,
        });
        await runner.Started.Task.WaitAsync(Timeout);

        await grains.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);
        var deadline = DateTime.UtcNow + Timeout;
        ShardProgress progress;
        while ((progress = await shard.GetProgressAsync()).State == ShardRunState.Running)
        {
            Assert.True(DateTime.UtcNow < deadline, "the shard grain was never deactivated");
            await Task.Delay(50);
        }
        Assert.Equal(ShardRunState.Idle, progress.State);
        Assert.True(runner.Stopped, "a new activation answered while the deactivated one's run was still writing");
        await host.StopAsync();
    }

    /// <summary>A run that, once cancelled, takes a while to stop: an upload in flight when the cancel came.</summary>
    private sealed class SlowToStopRunner(TimeSpan stopping) : IShardRunner
    {
        private volatile bool _stopped;

        public TaskCompletionSource Started { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public bool Stopped => _stopped;

        public async Task<ShardResult> RunAsync(ShardAssignment assignment, IProgress<long> progress, CancellationToken cancellationToken)
        {
            Started.TrySetResult();
            try
            {
                await Task.Delay(System.Threading.Timeout.Infinite, cancellationToken);
                throw new InvalidOperationException("the delay ended without a cancel");
            }
            finally
            {
                Thread.Sleep(stopping);
                _stopped = true;
            }
        }
    }

    public void Dispose()
    {
        if (Directory.Exists(_dest)) Directory.Delete(_dest, recursive: true);
    }
}
