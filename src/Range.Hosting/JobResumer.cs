using Microsoft.Extensions.Logging;
using Orleans.Runtime;
using RangeOrleans.Abstractions;

namespace RangeOrleans.Hosting;

/// <summary>
/// Every silo, at start-up and then every <see cref="Period"/>, asks the registry for unfinished jobs and
/// resumes their coordinators. This is what carries a job across a restart of the whole cluster, and what
/// reactivates a coordinator whose silo died while no client was watching.
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
                foreach (var jobId in unfinished) await grains.GetGrain<IJobCoordinatorGrain>(jobId).ResumeAsync();
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogDebug(e, "Resuming unfinished jobs failed; will try again");
            }
            try { await Task.Delay(Period, _stopping.Token); }
            catch (OperationCanceledException) { return; }
        }
    }

    public void Dispose()
    {
        _stopping.Cancel();
        _stopping.Dispose();
    }
}
