namespace RangeOrleans.Grains.Shards;

/// <summary>
/// What map and bank shard grains and pretrain workers share: one run at a time, on the silo's <see cref="ComputeThreads"/>
/// or a launcher of the grain's own, with a cancellation token that <see cref="CancelAsync"/> and deactivation cancel (the
/// run stops at its next batch, or its upload, and commits nothing).
/// </summary>
public abstract class ShardRunGrain : Grain
{
    private CancellationTokenSource? _cancellation;
    private Task _run = Task.CompletedTask;

    /// <summary>Guards the run's progress and its cancellation.</summary>
    protected Lock Gate { get; } = new();

    /// <summary>Starts <paramref name="run"/> on <paramref name="compute"/>; the previous run's token is cancelled. Call under <see cref="Gate"/>.</summary>
    protected void StartRun(ComputeThreads compute, Func<CancellationToken, Task> run) => StartRun(compute.RunAsync, run);

    /// <summary>
    /// Starts <paramref name="run"/> with <paramref name="launch"/> (which runs it off the grain's scheduler and returns
    /// its task); the previous run's token is cancelled. Call under <see cref="Gate"/>.
    /// </summary>
    protected void StartRun(Func<Func<Task>, Task> launch, Func<CancellationToken, Task> run)
    {
        _cancellation?.Cancel();
        _cancellation = new CancellationTokenSource();
        var token = _cancellation.Token;
        _run = launch(() => run(token));
    }

    public Task CancelAsync()
    {
        lock (Gate) _cancellation?.Cancel();
        return Task.CompletedTask;
    }

    /// <summary>
    /// Returns once the run has stopped (or Orleans' deactivation timeout has passed). The grain's next activation
    /// reports Idle, which a coordinator reads as "nothing runs here": a run outliving its activation could stage blocks
    /// after the coordinator removed a cancelled job's temporary blobs (seen when Orleans deactivated every activation
    /// whose directory entry lived on a silo that died).
    /// </summary>
    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        Task run;
        lock (Gate)
        {
            _cancellation?.Cancel();
            run = _run;
        }
        try { await run.WaitAsync(cancellationToken); }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested) { }
    }
}
