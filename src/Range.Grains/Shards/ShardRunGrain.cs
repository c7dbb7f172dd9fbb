namespace RangeOrleans.Grains.Shards;

/// <summary>
/// What map and bank shard grains share: one run at a time, off the scheduler, with a cancellation token that
/// <see cref="CancelAsync"/> and deactivation cancel (the run stops at its next batch, and commits nothing).
/// </summary>
public abstract class ShardRunGrain : Grain
{
    private CancellationTokenSource? _cancellation;

    /// <summary>Guards the run's progress and its cancellation.</summary>
    protected Lock Gate { get; } = new();

    /// <summary>The token of a new run; the previous run's is cancelled. Call under <see cref="Gate"/>.</summary>
    protected CancellationToken NewRun()
    {
        _cancellation?.Cancel();
        _cancellation = new CancellationTokenSource();
        return _cancellation.Token;
    }

    public Task CancelAsync()
    {
        lock (Gate) _cancellation?.Cancel();
        return Task.CompletedTask;
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        lock (Gate) _cancellation?.Cancel();
        return Task.CompletedTask;
    }
}
