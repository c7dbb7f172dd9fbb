using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Storage;
using RangeOrleans.Abstractions;
using RangeOrleans.Grains;
using RangeOrleans.Grains.Registry;

namespace RangeOrleans.Cluster.Tests;

/// <summary>The job registry in pages: a change rewrites its job's page only, and a registry stored whole before pages is moved into them.</summary>
public sealed class JobRegistryPagesTests
{
    [Fact]
    public async Task ARegistryStoredWholeIsMovedIntoPagesAndEachChangeRewritesOnlyItsJobsPage()
    {
        using var host = await InProcessSilo.StartAsync();
        var grains = host.Services.GetRequiredService<IGrainFactory>();
        var storage = host.Services.GetRequiredKeyedService<IGrainStorage>(RangeStorage.Name);
        var registry = grains.GetGrain<IJobRegistryGrain>(IJobRegistryGrain.Key);
        var id = registry.GetGrainId();
        string[] ids = ["old-map", "old-bank", "new-a", "new-b"];
        Assert.Equal(ids.Length, ids.Select(JobRegistryGrain.PageOf).Distinct().Count()); // four pages: what one change touches shows

        // The registry as stored before pages: one state, every job in it.
        await registry.ListAsync(); // activated (the silo's resumer may have already), then collected: the next call reads the store
        var whole = new GrainState<JobRegistryState>(new JobRegistryState
        {
            Jobs = { ["old-map"] = Summary("old-map", JobKind.Map), ["old-bank"] = Summary("old-bank", JobKind.Bank) },
        });
        await storage.WriteStateAsync("jobs", id, whole);
        await grains.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);

        Assert.Equal(["old-map", "old-bank"], (await registry.ListAsync()).Select(j => j.JobId));
        Assert.False((await Read<JobRegistryState>(storage, "jobs", id)).RecordExists, "the whole state stays beside its pages");
        var oldMapPage = await Read<JobRegistryPage>(storage, Page("old-map"), id);
        Assert.Equal(JobKind.Map, oldMapPage.State!.Jobs["old-map"].Kind);
        Assert.Equal(JobKind.Bank, (await Read<JobRegistryPage>(storage, Page("old-bank"), id)).State!.Jobs["old-bank"].Kind);

        await registry.RegisterAsync(Summary("new-a", JobKind.Map));
        await registry.UpdateAsync("new-a", JobState.Running);
        await registry.RegisterAsync(Summary("new-b", JobKind.Pretrain));
        Assert.Equal(JobState.Running, (await Read<JobRegistryPage>(storage, Page("new-a"), id)).State!.Jobs["new-a"].State);
        Assert.Equal(oldMapPage.ETag, (await Read<JobRegistryPage>(storage, Page("old-map"), id)).ETag); // not rewritten

        // A page left without jobs leaves the store.
        await registry.UpdateAsync("old-map", JobState.Completed);
        Assert.Equal(["old-map"], (await registry.PruneAsync(TimeSpan.Zero)).Select(j => j.JobId));
        Assert.False((await Read<JobRegistryPage>(storage, Page("old-map"), id)).RecordExists);
        Assert.Equal(["old-bank", "new-a", "new-b"], (await registry.ListAsync()).Select(j => j.JobId));
        await host.StopAsync();
    }

    private static string Page(string jobId) => $"registry-{JobRegistryGrain.PageOf(jobId)}";

    private static JobSummary Summary(string jobId, JobKind kind) =>
        new() { JobId = jobId, Destination = $"/dest/{jobId}", SubmittedAt = DateTimeOffset.UtcNow, Kind = kind };

    private static async Task<GrainState<T>> Read<T>(IGrainStorage storage, string name, GrainId id) where T : new()
    {
        var state = new GrainState<T>(new T());
        await storage.ReadStateAsync(name, id, state);
        return state;
    }
}
