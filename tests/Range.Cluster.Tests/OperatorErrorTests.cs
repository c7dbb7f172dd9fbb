using System.Diagnostics;
using Microsoft.Extensions.Hosting;
using RangeOrleans.Abstractions;
using RangeOrleans.Testing;

namespace RangeOrleans.Cluster.Tests;

/// <summary>
/// What an operator sees from the real `range` command (run as a process) when a cluster is gone or a job failed:
/// one line naming the problem and the fix, no stack trace, and a documented exit code (docs/cluster.md).
/// </summary>
public sealed class OperatorErrorTests : IDisposable
{
    private readonly LocalCluster _cluster = new();

    [Fact]
    public async Task AClientWithNoSiloAliveGivesUpWithinThirtySecondsInOneLineWithExitThree()
    {
        await _cluster.StartSilosAsync(1);
        var redis = _cluster.Redis.ConnectionString;
        Assert.Equal(0, (await RangeCli.RunAsync("jobs", "--cluster", redis)).ExitCode);
        // The silo's log: every entry with its UTC time, and no watchdog false alarm at start-up.
        var entries = _cluster.Silos[0].LinesAbout("warn:").Concat(_cluster.Silos[0].LinesAbout("info:")).ToList();
        Assert.NotEmpty(entries);
        Assert.All(entries, line => Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z (warn|info): ", line));
        Assert.Empty(_cluster.SiloLogsAbout("Participant check thread"));
        _cluster.KillAllSilos(); // Redis still lists the silo as active: the client finds a gateway that never answers

        var clock = Stopwatch.StartNew();
        var jobs = await RangeCli.RunAsync("jobs", "--cluster", redis);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"gave up after {clock.Elapsed}: {jobs}");
        Assert.True(jobs.ExitCode == 3, jobs.ToString());
        Assert.Equal($"error: no silo of the cluster at {redis} answered within 20 s; start one with `range silo --cluster {redis}`; " +
            "if its silos use TLS, give this client a certificate from their CA (--tls-cert, --tls-key, --tls-ca; docs/security.md)", jobs.Error.Trim());
        Assert.Empty(jobs.Output);
    }

    [Fact]
    public async Task AClientWaitsForASiloThatIsRegisteredActiveButStalledSayingSoOnStderrInsteadOfGivingUp()
    {
        await _cluster.StartSilosAsync(1);
        var redis = _cluster.Redis.ConnectionString;
        var silo = _cluster.Silos[0];
        Assert.True(ProcessSignals.Freeze(silo.Id));
        try
        {
            using var jobs = RangeCli.Start(["jobs", "--cluster", redis], new Dictionary<string, string> { ["RANGE_CONNECT_TIMEOUT"] = "90" }, TimeSpan.FromMinutes(2));
            await jobs.WaitUntilAsync(() => jobs.ErrorSoFar.Contains("waiting for them", StringComparison.Ordinal), TimeSpan.FromSeconds(60), "the line saying it waits");
            Assert.Contains($"range: no silo of the cluster at {redis} answered within 20 s, but 1 registered active accept connections without answering (busy or stalled?); waiting for them up to 90 s in all (RANGE_CONNECT_TIMEOUT)", jobs.ErrorSoFar);
            Assert.True(ProcessSignals.Thaw(silo.Id));
            var listed = await jobs.Result;
            Assert.True(listed.ExitCode == 0, listed.ToString());
        }
        finally { ProcessSignals.Thaw(silo.Id); }
    }

    [Fact]
    public async Task StatusOfAFailedOrCancelledJobExitsOneAndOfACompletedOneZero()
    {
        await _cluster.StartSilosAsync(1);
        var (host, client) = await _cluster.ConnectAsync();
        using var connected = host;
        var redis = _cluster.Redis.ConnectionString;
        var folder = Directory.CreateTempSubdirectory("range-operator-");
        try
        {
            var points = Path.Combine(folder.FullName, "bad.csv");
            await File.WriteAllTextAsync(points, "lon,lat\n10,20\n500,20\n");
            await client.GetGrain<IJobCoordinatorGrain>("bad-points").SubmitAsync(MapJobs.Files(points, "az://maps/bad-points", 90));
            await client.GetGrain<IJobCoordinatorGrain>("small").SubmitAsync(MapJobs.Fibonacci(500, "az://maps/small"));
            await client.GetGrain<IJobCoordinatorGrain>("cancelled").SubmitAsync(MapJobs.Fibonacci(2_000_000, "az://maps/cancelled"));
            await client.GetGrain<IJobCoordinatorGrain>("cancelled").CancelAsync();
            foreach (var id in new[] { "bad-points", "small", "cancelled" }) await _cluster.WaitAsync(client, id, s => s.IsFinal);

            var failed = await RangeCli.RunAsync("status", "bad-points", "--cluster", redis);
            Assert.True(failed.ExitCode == 1, failed.ToString());
            Assert.StartsWith("bad-points: failed", failed.Output.Trim());
            var watched = await RangeCli.RunAsync("status", "bad-points", "--watch", "--cluster", redis);
            Assert.True(watched.ExitCode == 1, watched.ToString());
            var cancelled = await RangeCli.RunAsync("status", "cancelled", "--cluster", redis);
            Assert.True(cancelled.ExitCode == 1, cancelled.ToString());
            var completed = await RangeCli.RunAsync("status", "small", "--cluster", redis);
            Assert.True(completed.ExitCode == 0, completed.ToString());
            Assert.All(new[] { failed, watched, cancelled, completed }, r => Assert.DoesNotContain("   at ", r.Error + r.Output));
        }
        finally
        {
            folder.Delete(recursive: true);
            await host.StopAsync();
        }
    }

    [Fact]
    public async Task JobsWatchAnswersEachPollFastFromOneConnectionAndStopsOnSigterm()
    {
        await _cluster.StartSilosAsync(1);
        var (host, client) = await _cluster.ConnectAsync();
        using (host)
        {
            await client.GetGrain<IJobCoordinatorGrain>("watched").SubmitAsync(MapJobs.Fibonacci(500, "az://maps/watched"));
            await _cluster.WaitAsync(client, "watched", s => s.IsFinal);
            await host.StopAsync();
        }
        var run = RangeCli.Start(["jobs", "--cluster", _cluster.Redis.ConnectionString, "--watch", "0.5"]);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (Polls(run.OutputSoFar).Count < 6)
        {
            Assert.True(DateTime.UtcNow < deadline, $"range jobs --watch printed fewer than 6 lists in 60 s: {run.OutputSoFar}");
            await Task.Delay(200);
        }
        var clock = Stopwatch.StartNew();
        run.Signal("TERM");
        var result = await run.Result;
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"SIGTERM took {clock.Elapsed}");
        Assert.True(result.ExitCode == 0, result.ToString());
        var polls = Polls(result.Output);
        Assert.All(polls.Skip(1), ms => Assert.True(ms < 1000, $"a poll took {ms} ms: {result.Output}"));
        Assert.Contains("map       watched: completed", result.Output);
    }

    // The "(N ms)" each list of `range jobs --watch` starts with.
    private static List<long> Polls(string output) =>
        System.Text.RegularExpressions.Regex.Matches(output, @"Z \((\d+) ms\)").Select(m => long.Parse(m.Groups[1].Value)).ToList();

    public void Dispose() => _cluster.Dispose();
}
