using Microsoft.Extensions.Logging;
using Orleans.Storage;
using RangeOrleans.Abstractions;

namespace RangeOrleans.Grains.Jobs;

/// <summary>
/// What map, bank and pretrain jobs share: durable state in the grain store, and a grain timer, kept alive while the
/// job has work left, that advances it one step per tick. A tick that fails transiently (the state store restarting,
/// a silo going away) keeps the state in memory and saves it next tick, for up to
/// <see cref="CoordinatorOptions.TransientFailureLimit"/>; any other failure fails the job. A write whose reply was
/// lost may still have landed, which makes the next write inconsistent: then the activation deactivates and a new
/// one re-reads the stored state.
/// </summary>
public abstract class DurableJobGrain<TState>(
    IPersistentState<TState> state,
    CoordinatorOptions options,
    TransientFailures transientFailures,
    ILogger logger) : Grain
    where TState : class, IDurableJobState, new()
{
    private IGrainTimer? _timer;
    private DateTime? _failingSince;
    private bool _unsaved;

    protected TState S => state.State;

    protected string JobId => this.GetPrimaryKeyString();

    protected CoordinatorOptions Options => options;

    /// <summary>How log lines name this kind of job ("Job", "Bank job", ...).</summary>
    protected abstract string Kind { get; }

    /// <summary>True while the timer has something to do.</summary>
    protected abstract bool HasWorkLeft { get; }

    protected bool TimerRunning => _timer is not null;

    /// <summary>One step of the job, called on every tick while <see cref="HasWorkLeft"/>.</summary>
    protected abstract Task AdvanceAsync();

    /// <summary>Before a failure is recorded: stop what the job runs.</summary>
    protected virtual Task OnFailingAsync() => Task.CompletedTask;

    /// <summary>After a failure is saved: tell whoever lists the job.</summary>
    protected virtual Task OnFailedAsync() => Task.CompletedTask;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (HasWorkLeft) EnsureTimer();
        return Task.CompletedTask;
    }

    protected bool IsTransient(Exception e) => transientFailures.IsTransient(e);

    protected void EnsureTimer() =>
        _timer ??= this.RegisterGrainTimer(TickAsync, new GrainTimerCreationOptions(TimeSpan.Zero, options.PollInterval) { KeepAlive = true });

    protected void StopTimer()
    {
        _timer?.Dispose();
        _timer = null;
    }

    /// <summary>Writes the state; if the write fails, the next tick writes it again.</summary>
    protected async Task SaveAsync()
    {
        _unsaved = true;
        await state.WriteStateAsync();
        _unsaved = false;
    }

    protected async Task TickAsync(CancellationToken cancellationToken)
    {
        try
        {
            if (_unsaved) await SaveAsync();
            if (HasWorkLeft) await AdvanceAsync();
            if (!HasWorkLeft) StopTimer();
            _failingSince = null;
        }
        catch (InconsistentStateException e)
        {
            logger.LogWarning("{Kind} {Job}: stored state changed under this activation ({Error}); reloading it", Kind, JobId, e.Message);
            StopTimer();
            DeactivateOnIdle();
        }
        catch (Exception e) when (IsTransient(e) && DateTime.UtcNow - (_failingSince ??= DateTime.UtcNow) < options.TransientFailureLimit)
        {
            _unsaved = true;
            logger.LogWarning("{Kind} {Job}: tick failed transiently ({Error}); will retry", Kind, JobId, e.Message);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogError(e, "{Kind} {Job}: tick failed", Kind, JobId);
            await FailAsync($"{e.GetType().Name}: {e.Message}");
        }
    }

    protected async Task FailAsync(string error)
    {
        logger.LogError("{Kind} {Job} failed: {Error}", Kind, JobId, error);
        await OnFailingAsync();
        S.State = JobState.Failed;
        S.Error = error;
        await SaveAsync();
        StopTimer(); // after the write: if it fails transiently, the next tick saves the failure
        await OnFailedAsync();
    }
}
