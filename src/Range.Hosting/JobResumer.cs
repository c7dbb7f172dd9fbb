using Microsoft.Extensions.Logging;
using Orleans.Runtime;
using RangeOrleans.Abstractions;

namespace RangeOrleans.Hosting;

/// <summary>
/// Every silo, at start-up and then every <see cref="Period"/>, asks the registry for unfinished jobs of every
/// kind (map, bank, pretrain) and resumes their job grains. This is what carries a job across a restart of the
/// whole cluster, and what reactivates a job grain whose silo died while no client was watching.
/// </summary>
internal sealed class JobResumer(IGrainFactory grains, ILogger<JobResumer> logger) : IStartupTask, IDisposable
{
    public static readonly TimeSpan Period = TimeSpan.FromSeconds(5);

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
                foreach (var job in unfinished) await ResumeAsync(job);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogDebug(e, "Resuming unfinished jobs failed; will try again");
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
