using RangeOrleans.Grains.Jobs;

namespace RangeOrleans.Cluster.Tests;

/// <summary>
/// The end of a map job: the manifest decides success and is retried while it fails (for the retry limit); the removal
/// of temporary blobs comes after it, and its failure is retried, then noted, without failing a job whose output is whole.
/// </summary>
public sealed class JobCompletionTests
{
    private static Task<CompletionStep> RunAsync(JobCompletion completion, List<CompletionStep>? steps = null) =>
        Ticks.UntilAsync(completion.Advance, step => step is CompletionStep.Completed or CompletionStep.FinishFailed, steps);

    [Fact]
    public async Task AManifestThatKeepsFailingFailsTheJobAfterTheRetryLimitAndRemovesNothing()
    {
        int removals = 0, writes = 0;
        var completion = new JobCompletion("writing the manifest", () => { writes++; throw new IOException("disk full"); }, () => { removals++; return Task.CompletedTask; }, TimeSpan.FromMilliseconds(100));
        var steps = new List<CompletionStep>();
        Assert.Equal(CompletionStep.FinishFailed, await RunAsync(completion, steps));
        Assert.Equal("disk full", completion.Error!.Message);
        Assert.True(writes >= 2, $"{writes} manifest write(s): not retried");
        Assert.Contains(CompletionStep.FinishRetrying, steps);
        Assert.Equal(0, removals);
    }

    [Fact]
    public async Task AManifestWriteThatFailsTransientlyIsRetriedAndTheJobCompletes()
    {
        int writes = 0;
        var completion = new JobCompletion("writing the manifest", () => ++writes < 3 ? throw new TimeoutException("storage unreachable") : Task.CompletedTask,
            () => Task.CompletedTask, TimeSpan.FromMinutes(1));
        var steps = new List<CompletionStep>();
        Assert.Equal(CompletionStep.Completed, await RunAsync(completion, steps));
        Assert.Equal(3, writes);
        Assert.Equal(2, steps.Count(s => s == CompletionStep.FinishRetrying));
        Assert.Null(completion.Error);
    }

    [Fact]
    public async Task TemporaryBlobsAreRemovedOnlyAfterTheManifestIsWritten()
    {
        var order = new List<string>();
        var manifestMayFinish = new TaskCompletionSource();
        var completion = new JobCompletion("writing the manifest", 
            async () => { await manifestMayFinish.Task; order.Add("manifest"); },
            () => { lock (order) order.Add("removal"); return Task.CompletedTask; },
            TimeSpan.FromMinutes(1));
        Assert.Equal(CompletionStep.Working, completion.Advance());
        await Task.Delay(50);
        Assert.Equal(CompletionStep.Working, completion.Advance());
        Assert.Empty(order);
        manifestMayFinish.SetResult();
        Assert.Equal(CompletionStep.Completed, await RunAsync(completion));
        Assert.Equal(["manifest", "removal"], order);
        Assert.Null(completion.Error);
    }

    [Fact]
    public async Task ARemovalThatFailsIsRetriedAndLeavesNoErrorOnceItSucceeds()
    {
        int attempts = 0;
        var completion = new JobCompletion("writing the manifest", () => Task.CompletedTask,
            () => ++attempts < 3 ? throw new TimeoutException("storage unreachable") : Task.CompletedTask, TimeSpan.FromMinutes(1));
        var steps = new List<CompletionStep>();
        Assert.Equal(CompletionStep.Completed, await RunAsync(completion, steps));
        Assert.Equal(3, attempts);
        Assert.Equal(2, steps.Count(s => s == CompletionStep.RemovalRetrying));
        Assert.Null(completion.Error);
    }

    [Fact]
    public async Task ARemovalThatKeepsFailingCompletesTheJobWithItsError()
    {
        int attempts = 0;
        var completion = new JobCompletion("writing the manifest", () => Task.CompletedTask,
            () => { attempts++; throw new TimeoutException("storage unreachable"); }, TimeSpan.FromMilliseconds(100));
        var steps = new List<CompletionStep>();
        Assert.Equal(CompletionStep.Completed, await RunAsync(completion, steps));
        Assert.Equal("storage unreachable", completion.Error!.Message);
        Assert.True(attempts >= 2, $"{attempts} removal attempt(s): not retried");
        Assert.DoesNotContain(CompletionStep.FinishFailed, steps);
    }
}
