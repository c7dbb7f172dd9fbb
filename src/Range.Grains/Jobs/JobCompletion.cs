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
/// removal that fails is tried again for up to <c>removalRetryLimit</c>, then the job completes with the error noted.
/// </summary>
public sealed class JobCompletion
{
    private readonly Func<Task> _removeTemporaryBlobs;
    private readonly TimeSpan _removalRetryLimit;
    private Task _running;
    private bool _manifestWritten;
    private DateTime? _removalFailingSince;

    public JobCompletion(Func<Task> writeManifest, Func<Task> removeTemporaryBlobs, TimeSpan removalRetryLimit)
    {
        _removeTemporaryBlobs = removeTemporaryBlobs;
        _removalRetryLimit = removalRetryLimit;
        _running = Task.Run(writeManifest);
    }

    /// <summary>The last failure of a step; null while none failed.</summary>
    public Exception? Error { get; private set; }

    /// <summary>Moves on when the running step has ended; call it until it returns ManifestFailed or Completed.</summary>
    public CompletionStep Advance()
    {
        if (!_running.IsCompleted) return CompletionStep.Working;
        var failure = _running.Exception?.InnerException ?? (_running.IsCanceled ? new OperationCanceledException() : null);
        if (!_manifestWritten)
        {
            if (failure is not null)
            {
                Error = failure;
                return CompletionStep.ManifestFailed;
            }
            _manifestWritten = true;
            _running = Task.Run(_removeTemporaryBlobs);
            return CompletionStep.Working;
        }
        Error = failure;
        if (failure is null) return CompletionStep.Completed;
        if (DateTime.UtcNow - (_removalFailingSince ??= DateTime.UtcNow) >= _removalRetryLimit) return CompletionStep.Completed;
        _running = Task.Run(_removeTemporaryBlobs);
        return CompletionStep.RemovalRetrying;
    }
}
