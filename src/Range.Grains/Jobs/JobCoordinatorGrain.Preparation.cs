using Microsoft.Extensions.Logging;
using RangeOrleans.Abstractions;

namespace RangeOrleans.Grains.Jobs;

/// <summary>Preparing a job: the planner (off the scheduler) hashes the model files and lists the shards; then the table is stored.</summary>
public sealed partial class JobCoordinatorGrain
{
    private Task<JobPlan>? _preparing;

    private async Task AdvancePreparationAsync()
    {
        var spec = S.Spec!;
        _preparing ??= Task.Run(() => JobPlanner.PlanAsync(JobId, spec, stores, roots, CancellationToken.None));
        if (!_preparing.IsCompleted) return;
        var preparing = _preparing;
        _preparing = null;
        if (preparing.IsFaulted)
        {
            var error = preparing.Exception!.InnerException!;
            if (error is DestinationTakenException)
            {
                await FailAsync(error.Message, removeTemporaryData: false); // what DEST holds is the other job's
                return;
            }
            await FailAsync(SiloDependentFailures.DependsOnSilo(error)
                ? $"preparing the job on silo {LocalSilo}: {error.Message}"
                : $"preparing the job: {error.Message}");
            return;
        }
        var plan = preparing.Result;
        S.ModelSha256 = plan.ModelSha256;
        S.BankSha256 = plan.BankSha256;
        if (plan.Dimension is { } dimension) (S.Dimension, S.ModelKind) = (dimension, plan.ModelKind);
        ReplaceShardTable(plan.Shards);
        S.State = JobState.Running;
        _verified = true; // the planner just hashed the shards it found already produced
        await SaveAsync();
        await Registry.UpdateAsync(JobId, JobState.Running);
        logger.LogInformation("Job {Job}: {Shards} shards, {Points} points ({Skipped} already produced, reused)",
            JobId, _table.Count, _table.TotalPoints, _table.SkippedShards);
    }
}
