namespace RangeOrleans.Grains.Jobs;

/// <summary>Where <see cref="JobCompletion.Advance"/> has got to.</summary>
public enum CompletionStep
{
    /// <summary>The manifest is being written, or temporary blobs removed.</summary>
    Working,

    /// <summary>Removing temporary blobs failed (<see cref="JobCompletion.Error"/>); it is being tried again.</summary>
    RemovalRetrying,

    /// <summary>The manifest could not be written (<see cref="JobCompletion.Error"/>): the job fails.</summary>
    ManifestFailed,

    /// <summary>The manifest is written; the temporary blobs are removed, or <see cref="JobCompletion.Error"/> says why not.</summary>
    Completed,
}

/// <summary>
/// The end of a map job, off the grain's scheduler: the manifest, then the removal of what unfinished attempts and
/// planning left. Only the manifest decides whether the job succeeded: once it is written the output is whole, so a
/// removal that fails is tried again for up to <c>removalRetryLimit</c> (<see cref="RetriedWork"/>), then the job
/// completes with the error noted.
/// </summary>
public sealed class JobCompletion
{
    private readonly Task _manifest;
    private readonly Func<Task> _removeTemporaryBlobs;
    private readonly TimeSpan _removalRetryLimit;
    private RetriedWork? _removal;

    public JobCompletion(Func<Task> writeManifest, Func<Task> removeTemporaryBlobs, TimeSpan removalRetryLimit)
    {
        _removeTemporaryBlobs = removeTemporaryBlobs;
        _removalRetryLimit = removalRetryLimit;
        _manifest = Task.Run(writeManifest);
    }

    /// <summary>The last failure of a step; null while none failed.</summary>
    public Exception? Error { get; private set; }

    /// <summary>Moves on when the running step has ended; call it until it returns ManifestFailed or Completed.</summary>
    public CompletionStep Advance()
    {
        if (_removal is null)
        {
            if (!_manifest.IsCompleted) return CompletionStep.Working;
            Error = RetriedWork.FailureOf(_manifest);
            if (Error is not null) return CompletionStep.ManifestFailed;
            _removal = new RetriedWork(_removeTemporaryBlobs, _removalRetryLimit);
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
