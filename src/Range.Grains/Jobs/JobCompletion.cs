namespace RangeOrleans.Grains.Jobs;

/// <summary>Where <see cref="JobCompletion.Advance"/> has got to.</summary>
public enum CompletionStep
{
    /// <summary>The manifest is being written, or temporary blobs removed.</summary>
    Working,

    /// <summary>Writing the manifest failed (<see cref="JobCompletion.Error"/>); it is being tried again.</summary>
    ManifestRetrying,

    /// <summary>Removing temporary blobs failed (<see cref="JobCompletion.Error"/>); it is being tried again.</summary>
    RemovalRetrying,

    /// <summary>The manifest could not be written for the whole retry limit (<see cref="JobCompletion.Error"/>): the job fails.</summary>
    ManifestFailed,

    /// <summary>The manifest is written; the temporary blobs are removed, or <see cref="JobCompletion.Error"/> says why not.</summary>
    Completed,
}

/// <summary>
/// The end of a map job, off the grain's scheduler: the manifest, then the removal of what unfinished attempts and
/// planning left, each tried again while it fails for up to <c>retryLimit</c> (<see cref="RetriedWork"/>), as every other
/// write of a job is: storage briefly unreachable at the last step does not fail a job whose shards are all done. Only
/// the manifest decides whether the job succeeded: once it is written the output is whole, so a removal that keeps
/// failing ends with the job completed and the error noted; a manifest that keeps failing fails the job.
/// </summary>
public sealed class JobCompletion
{
    private readonly RetriedWork _manifest;
    private readonly Func<Task> _removeTemporaryBlobs;
    private readonly TimeSpan _retryLimit;
    private RetriedWork? _removal;

    public JobCompletion(Func<Task> writeManifest, Func<Task> removeTemporaryBlobs, TimeSpan retryLimit)
    {
        _removeTemporaryBlobs = removeTemporaryBlobs;
        _retryLimit = retryLimit;
        _manifest = new RetriedWork(writeManifest, retryLimit);
    }

    /// <summary>The last failure of a step; null while none failed.</summary>
    public Exception? Error { get; private set; }

    /// <summary>Moves on when the running step has ended; call it until it returns ManifestFailed or Completed.</summary>
    public CompletionStep Advance()
    {
        if (_removal is null)
        {
            var manifest = _manifest.Advance();
            Error = _manifest.Error;
            switch (manifest)
            {
                case RetriedWorkState.Running: return CompletionStep.Working;
                case RetriedWorkState.Retrying: return CompletionStep.ManifestRetrying;
                case RetriedWorkState.GaveUp: return CompletionStep.ManifestFailed;
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
