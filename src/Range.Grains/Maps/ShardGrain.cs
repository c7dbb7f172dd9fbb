using Microsoft.Extensions.Logging;
using Orleans.Placement;
using Orleans.Runtime;
using RangeOrleans.Abstractions;
using RangeOrleans.Grains.Jobs;
using RangeOrleans.Grains.Models;
using RangeOrleans.Grains.Shards;

namespace RangeOrleans.Grains.Maps;

/// <summary>
/// One tile of one job. Random placement spreads shards over the silos (a [StatelessWorker] would always
/// run on the caller's silo); the heavy state (model replica, shard slots) is the silo's
/// <see cref="ModelReplicaCache"/>, used by its <see cref="IShardRunner"/>. The compute runs on the silo's <see cref="ComputeThreads"/>, so this grain (and
/// the silo's scheduler and membership probes) keep answering while it works; its progress lives in memory only: a new activation (after its silo died)
/// reports <see cref="ShardRunState.Idle"/> and the coordinator starts it again.
/// </summary>
[RandomPlacement]
public sealed class ShardGrain(IShardRunner runner, ComputeThreads compute, ILocalSiloDetails silo, ILogger<ShardGrain> logger)
    : ShardRunGrain, IShardGrain
{
    private ShardAssignment? _assignment;
    private ShardRunState _state = ShardRunState.Idle;
    private long _rowsDone;
    private ShardResult? _result;
    private string? _error;
    private bool _permanent;
    private bool _siloDependent;
    private IJobCoordinatorGrain _coordinator = null!;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _coordinator = GrainFactory.GetGrain<IJobCoordinatorGrain>(this.GetPrimaryKeyString().Split('/')[0]);
        return Task.CompletedTask;
    }

    public Task<ShardProgress> StartAsync(ShardAssignment assignment)
    {
        lock (Gate)
        {
            if (_assignment is not null && _state is ShardRunState.Running or ShardRunState.Done)
                return Task.FromResult(ProgressLocked());
            _assignment = assignment;
            _state = ShardRunState.Running;
            _rowsDone = 0;
            _result = null;
            _error = null;
            _permanent = false;
            _siloDependent = false;
            StartRun(compute, token => RunAsync(assignment, token));
            logger.LogInformation("Shard {Job}/{Tile} attempt {Attempt} started on {Silo}", assignment.JobId, assignment.TileId, assignment.Attempt, silo.SiloAddress);
            return Task.FromResult(ProgressLocked());
        }
    }

    // A failure that depends on the silo keeps this activation: the coordinator starts the retry under a fresh grain id
    // (JOB/TILE#n), which placement puts anywhere, and this one still answers a cancel's stop with what happened.
    public Task<ShardProgress> GetProgressAsync()
    {
        lock (Gate) return Task.FromResult(ProgressLocked());
    }

    private async Task RunAsync(ShardAssignment assignment, CancellationToken cancellationToken)
    {
        var progress = new Progress(rows => Interlocked.Exchange(ref _rowsDone, rows));
        try
        {
            var result = await runner.RunAsync(assignment, progress, cancellationToken);
            Finish(assignment, ShardRunState.Done, result, null, false);
            logger.LogInformation("Shard {Job}/{Tile} attempt {Attempt}: {Rows} rows on {Silo}", assignment.JobId, assignment.TileId, assignment.Attempt, result.Rows, silo.SiloAddress);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            logger.LogInformation("Shard {Job}/{Tile} attempt {Attempt} cancelled on {Silo}", assignment.JobId, assignment.TileId, assignment.Attempt, silo.SiloAddress);
            Finish(assignment, ShardRunState.Cancelled, null, "cancelled", false);
        }
        catch (Exception e)
        {
            bool siloDependent = SiloDependentFailures.DependsOnSilo(e);
            bool permanent = !siloDependent && DeterministicFailures.IsDeterministic(e);
            logger.LogWarning(e, "Shard {Job}/{Tile} attempt {Attempt} failed on {Silo}", assignment.JobId, assignment.TileId, assignment.Attempt, silo.SiloAddress);
            Finish(assignment, ShardRunState.Failed, null, $"{e.GetType().Name} on silo {silo.SiloAddress}: {e.Message}", permanent, siloDependent);
        }
    }

    private void Finish(ShardAssignment assignment, ShardRunState state, ShardResult? result, string? error, bool permanent, bool siloDependent = false)
    {
        ShardProgress progress;
        lock (Gate)
        {
            if (!ReferenceEquals(_assignment, assignment)) return; // superseded by a newer attempt
            _state = state;
            _result = result;
            _error = error;
            _permanent = permanent;
            _siloDependent = siloDependent;
            progress = ProgressLocked();
        }
        _coordinator.ShardChangedAsync(assignment.TileId, progress).Ignore();
    }

    private ShardProgress ProgressLocked() => new()
    {
        State = _state,
        Attempt = _assignment?.Attempt ?? 0,
        RowsDone = Interlocked.Read(ref _rowsDone),
        Result = _result,
        Error = _error,
        Permanent = _permanent,
        SiloDependent = _siloDependent,
        Silo = silo.SiloAddress.ToString(),
    };

    private sealed class Progress(Action<long> report) : IProgress<long>
    {
        public void Report(long value) => report(value);
    }
}
