using Microsoft.Extensions.Logging;
using Orleans.Runtime;
using RangeOrleans.Abstractions;

namespace RangeOrleans.Hosting;

/// <summary>
/// Every silo, at start-up and then every <see cref="Period"/>, asks the registry for unfinished jobs of every
/// kind (map, bank, pretrain) and resumes their job grains, each on its own (<see cref="JobResumption"/>: a job that
/// fails to resume is logged and retried with backoff while the others go on). This is what carries a job across a
/// restart of the whole cluster, and what reactivates a job grain whose silo died while no client was watching.
/// </summary>
internal sealed class JobResumer(IGrainFactory grains, ILogger<JobResumer> logger) : IStartupTask, IDisposable
{
    public static readonly TimeSpan Period = TimeSpan.FromSeconds(5);

    /// <summary>The longest a job that keeps failing to resume waits between tries.</summary>
    public static readonly TimeSpan MaxBackoff = TimeSpan.FromMinutes(5);

    private readonly JobResumption _resumption = new(logger, Period, MaxBackoff);

    private readonly CancellationTokenSource _stopping = new();

    public Task Execute(CancellationToken cancellationToken)
    {
        _ = Task.Run(LoopAsync, CancellationToken.None);
        return Task.CompletedTask;
    }

    private async Task LoopAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            try
            {
                var unfinished = await grains.GetGrain<IJobRegistryGrain>(IJobRegistryGrain.Key).UnfinishedAsync();
                await _resumption.ResumeAsync(unfinished, ResumeAsync, DateTime.UtcNow);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // The registry itself (the cluster starting, Redis away): nothing to resume yet.
                logger.LogDebug(e, "Listing the unfinished jobs failed; will try again");
            }
            try { await Task.Delay(Period, _stopping.Token); }
            catch (OperationCanceledException) { return; }
        }
    }

    private Task ResumeAsync(JobSummary job) => job.Kind switch
    {
        JobKind.Bank => grains.GetGrain<IBankJobGrain>(job.JobId).ResumeAsync(),
        JobKind.Pretrain => grains.GetGrain<IPretrainJobGrain>(job.JobId).ResumeAsync(),
        _ => grains.GetGrain<IJobCoordinatorGrain>(job.JobId).ResumeAsync(),
    };

    public void Dispose()
    {
        _stopping.Cancel();
        _stopping.Dispose();
    }
}
