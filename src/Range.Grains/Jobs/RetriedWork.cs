namespace RangeOrleans.Grains.Jobs;

/// <summary>Where a <see cref="RetriedWork"/> has got to.</summary>
public enum RetriedWorkState
{
    Running,

    /// <summary>The last attempt failed (<see cref="RetriedWork.Error"/>) and another has started.</summary>
    Retrying,

    Succeeded,

    /// <summary>It kept failing for the whole limit; <see cref="RetriedWork.Error"/> is the last failure.</summary>
    GaveUp,
}

/// <summary>
/// Work a job grain runs off its scheduler and polls on its ticks (removing temporary blobs once a job has ended),
/// started again each time it fails until it has been failing for <c>limit</c>: storage that is briefly unreachable
/// leaves nothing behind, and storage that stays unreachable does not hold the job open for ever. A failure that
/// <c>repeats</c> says a retry would repeat (a corrupt file) gives up at once.
/// </summary>
public sealed class RetriedWork
{
    private readonly Func<Task> _work;
    private readonly TimeSpan _limit;
    private readonly Func<Exception, bool> _repeats;
    private Task _running;
    private DateTime? _failingSince;

    public RetriedWork(Func<Task> work, TimeSpan limit, Func<Exception, bool>? repeats = null)
    {
        _work = work;
        _limit = limit;
        _repeats = repeats ?? (_ => false);
        _running = Task.Run(work);
    }

    /// <summary>The last attempt's failure; null while none has failed, and once one has succeeded.</summary>
    public Exception? Error { get; private set; }

    /// <summary>Looks at the running attempt; starts the next one if it failed within the limit.</summary>
    public RetriedWorkState Advance()
    {
        if (!_running.IsCompleted) return RetriedWorkState.Running;
        Error = FailureOf(_running);
        if (Error is null) return RetriedWorkState.Succeeded;
        if (_repeats(Error) || DateTime.UtcNow - (_failingSince ??= DateTime.UtcNow) >= _limit) return RetriedWorkState.GaveUp;
        _running = Task.Run(_work);
        return RetriedWorkState.Retrying;
    }

    /// <summary>What a completed task failed with; null if it ran to completion.</summary>
    public static Exception? FailureOf(Task task) =>
        task.Exception?.InnerException ?? (task.IsCanceled ? new OperationCanceledException() : null);
}
