namespace RangeOrleans.Abstractions;

/// <summary>
/// The coordinator of one pretraining job (key: job id): runs the training on an <see cref="IPretrainWorkerGrain"/>
/// (key "JOB/ATTEMPT"), records each epoch's report in its durable state, and when the worker's silo dies or its
/// run fails starts a new attempt that resumes from the stored last.ckpt (a stored epoch is never trained again).
/// </summary>
public interface IPretrainJobGrain : IGrainWithStringKey
{
    /// <summary>Starts the job (the same spec again is a no-op; a different one under the same id is refused).</summary>
    Task<PretrainJobStatus> SubmitAsync(PretrainJobSpec spec);

    Task<PretrainJobStatus> GetStatusAsync();
}
