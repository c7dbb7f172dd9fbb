namespace RangeOrleans.Grains.Jobs;

/// <summary>Where <see cref="JobCompletion.Advance"/> has got to.</summary>
public enum CompletionStep
{
    /// <summary>The finishing step (a manifest, a merged bank) runs, or temporary blobs are being removed.</summary>
    Working,

    /// <summary>The finishing step failed (<see cref="JobCompletion.Error"/>); it is being tried again.</summary>
    FinishRetrying,

    /// <summary>Removing temporary blobs failed (<see cref="JobCompletion.Error"/>); it is being tried again.</summary>
    RemovalRetrying,

    /// <summary>The finishing step kept failing for the whole retry limit, or failed in a way a retry repeats (<see cref="JobCompletion.Error"/>): the job fails.</summary>
    FinishFailed,

    /// <summary>The finishing step succeeded; the temporary blobs are removed, or <see cref="JobCompletion.Error"/> says why not.</summary>
    Completed,
}

/// <summary>
/// The end of a sharded job, off the grain's scheduler: its finishing step (a map's manifest, a bank's merge), then the
/// removal of what unfinished attempts and planning left, each tried again while it fails for up to <c>retryLimit</c>
/// (<see cref="RetriedWork"/>), as every other write of a job is: storage briefly unreachable at the last step does not
/// fail a job whose shards are all done. Only the finishing step decides whether the job succeeded: once it is done the
/// output is whole, so a removal that keeps failing ends with the job completed and the error noted; a finishing step
/// that keeps failing, or fails deterministically (a shard file that no longer matches its hash), fails the job.
/// </summary>
public sealed class JobCompletion
{
    private readonly RetriedWork _finish;
    private readonly Func<Task> _removeTemporaryBlobs;
    private readonly TimeSpan _retryLimit;
    private RetriedWork? _removal;

    /// <param name="name">The finishing step in a few words, for errors ("writing the manifest").</param>
    public JobCompletion(string name, Func<Task> finish, Func<Task> removeTemporaryBlobs, TimeSpan retryLimit)
    {
        Name = name;
        _removeTemporaryBlobs = removeTemporaryBlobs;
        _retryLimit = retryLimit;
        _finish = new RetriedWork(finish, retryLimit, DeterministicFailures.IsDeterministic);
    }

    public string Name { get; }

    /// <summary>The last failure of a step; null while none failed.</summary>
    public Exception? Error { get; private set; }

    /// <summary>Moves on when the running step has ended; call it until it returns FinishFailed or Completed.</summary>
    public CompletionStep Advance()
    {
        if (_removal is null)
        {
            var finish = _finish.Advance();
            Error = _finish.Error;
            switch (finish)
            {
                case RetriedWorkState.Running: return CompletionStep.Working;
                case RetriedWorkState.Retrying: return CompletionStep.FinishRetrying;
                case RetriedWorkState.GaveUp: return CompletionStep.FinishFailed;
            }
            _removal = new RetriedWork(_removeTemporaryBlobs, _retryLimit);
            return CompletionStep.Working;
        }
        var removal = _removal.Advance();
        Error = _removal.Error;
        return removal switch
        {
            RetriedWorkState.Running => CompletionStep.Working,
            RetriedWorkState.Retrying => CompletionStep.RemovalRetrying,
            _ => CompletionStep.Completed,
        };
    }
}
