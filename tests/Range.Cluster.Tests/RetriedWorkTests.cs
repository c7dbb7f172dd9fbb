using RangeOrleans.Grains.Jobs;

namespace RangeOrleans.Cluster.Tests;

/// <summary>Work polled by a job grain's ticks, started again while it fails, until it has failed for the whole limit.</summary>
public sealed class RetriedWorkTests
{
    private static Task<RetriedWorkState> RunAsync(RetriedWork work, List<RetriedWorkState> states) =>
        Ticks.UntilAsync(work.Advance, state => state is RetriedWorkState.Succeeded or RetriedWorkState.GaveUp, states);

    [Fact]
    public async Task WorkThatFailsThenSucceedsEndsSucceededWithNoError()
    {
        int attempts = 0;
        var work = new RetriedWork(() => ++attempts < 3 ? throw new IOException("unreachable") : Task.CompletedTask, TimeSpan.FromMinutes(1));
        var states = new List<RetriedWorkState>();
        Assert.Equal(RetriedWorkState.Succeeded, await RunAsync(work, states));
        Assert.Equal((3, 2), (attempts, states.Count(s => s == RetriedWorkState.Retrying)));
        Assert.Null(work.Error);
        Assert.Equal(RetriedWorkState.Succeeded, work.Advance()); // asked again, it stays succeeded and runs nothing more
        Assert.Equal(3, attempts);
    }

    [Fact]
    public async Task WorkThatKeepsFailingGivesUpAfterTheLimitWithItsLastError()
    {
        int attempts = 0;
        var work = new RetriedWork(() => throw new IOException($"unreachable {++attempts}"), TimeSpan.FromMilliseconds(100));
        Assert.Equal(RetriedWorkState.GaveUp, await RunAsync(work, []));
        Assert.True(attempts >= 2, $"{attempts} attempt(s): not retried");
        Assert.Equal($"unreachable {attempts}", work.Error!.Message);
        Assert.Equal(RetriedWorkState.GaveUp, work.Advance());
        Assert.Equal($"unreachable {attempts}", work.Error!.Message);
    }

    [Fact]
    public async Task WorkWhoseFailureWouldRepeatGivesUpAtOnceWithoutAnotherAttempt()
    {
        int attempts = 0;
        var work = new RetriedWork(() => ++attempts < 2 ? throw new IOException("unreachable") : throw new InvalidDataException("shard 3 does not match its SHA-256"),
            TimeSpan.FromMinutes(1), DeterministicFailures.IsDeterministic);
        Assert.Equal(RetriedWorkState.GaveUp, await RunAsync(work, []));
        Assert.Equal(2, attempts); // the transient failure was retried, the deterministic one was not
        Assert.Equal("shard 3 does not match its SHA-256", work.Error!.Message);
    }
}
