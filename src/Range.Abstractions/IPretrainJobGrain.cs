using Orleans.Concurrency;

namespace RangeOrleans.Abstractions;

/// <summary>
/// The coordinator of one pretraining job (key: job id): runs the training on an <see cref="IPretrainWorkerGrain"/>
/// (key "JOB/ATTEMPT"), records each epoch's report in its durable state, and when the worker's silo dies or its
/// run fails starts a new attempt that resumes from the stored last.ckpt (a stored epoch is never trained again).
/// </summary>
public interface IPretrainJobGrain : IRetirableJobGrain
{
    /// <summary>Starts the job (the same spec again is a no-op; a different one under the same id, or an id another kind of job has, is refused).</summary>
    Task<PretrainJobStatus> SubmitAsync(PretrainJobSpec spec);

    [AlwaysInterleave] // a read of memory: answered between the job's own awaits (its tick polling slow silos, a state write)
    Task<PretrainJobStatus> GetStatusAsync();

    /// <summary>
    /// Stops the worker at its next batch; the epochs it stored (DEST/last.ckpt and its optimiser file) stay. A job that
    /// has ended is left as it is.
    /// </summary>
    Task<PretrainJobStatus> CancelAsync();

    /// <summary>Continues an unfinished job (or a cancelled job's cleanup) after a restart. Harmless on a running or final job.</summary>
    Task<PretrainJobStatus> ResumeAsync();
}
