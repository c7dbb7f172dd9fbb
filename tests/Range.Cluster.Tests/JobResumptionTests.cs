using Microsoft.Extensions.Logging;
using RangeOrleans.Abstractions;
using RangeOrleans.Hosting;

namespace RangeOrleans.Cluster.Tests;

/// <summary>A silo resumes unfinished jobs one by one: a job that fails to resume is logged at Warning and backed off, the others go on.</summary>
public sealed class JobResumptionTests
{
    private static readonly DateTime Start = new(2026, 12, 5, 12, 0, 0, DateTimeKind.Utc);
    private readonly RecordingLogger _logger = new();

    private static JobSummary Job(string id, JobKind kind = JobKind.Map) => new() { JobId = id, Destination = "/d/" + id, SubmittedAt = Start, Kind = kind };

    [Fact]
    public async Task AJobThatFailsToResumeIsLoggedWithItsIdAndTheOthersAreStillResumed()
    {
        var resumption = new JobResumption(_logger, TimeSpan.FromSeconds(5), TimeSpan.FromMinutes(5));
        var resumed = new List<string>();
        Task Resume(JobSummary job)
        {
            if (job.JobId == "broken") throw new InvalidOperationException("its state cannot be read");
            lock (resumed) resumed.Add(job.JobId);
            return Task.CompletedTask;
        }

        await resumption.ResumeAsync([Job("first"), Job("broken", JobKind.Bank), Job("last", JobKind.Pretrain)], Resume, Start);

        Assert.Equal(["first", "last"], resumed.Order(StringComparer.Ordinal));
        var warning = Assert.Single(_logger.Entries);
        Assert.Equal(LogLevel.Warning, warning.Level);
        Assert.Contains("bank job broken failed", warning.Message);
        Assert.Contains("its state cannot be read", warning.Message);
    }

    [Fact]
    public async Task AJobThatKeepsFailingIsTriedAgainAfterABackoffThatDoublesAndOnceItResumesItIsForgiven()
    {
        var resumption = new JobResumption(_logger, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(15));
        int tries = 0;
        bool fails = true;
        Task Resume(JobSummary job)
        {
            tries++;
            return fails ? throw new InvalidOperationException("not yet") : Task.CompletedTask;
        }
        JobSummary[] jobs = [Job("flaky")];

        await resumption.ResumeAsync(jobs, Resume, Start);                          // fails: next try after 5 s
        await resumption.ResumeAsync(jobs, Resume, Start.AddSeconds(4));            // backing off
        Assert.Equal(1, tries);
        await resumption.ResumeAsync(jobs, Resume, Start.AddSeconds(5));            // fails again: next after 10 s
        await resumption.ResumeAsync(jobs, Resume, Start.AddSeconds(14));
        Assert.Equal(2, tries);
        await resumption.ResumeAsync(jobs, Resume, Start.AddSeconds(15));           // third failure: 20 s, capped at 15
        Assert.Equal(3, tries);
        Assert.Equal(TimeSpan.FromSeconds(15), resumption.Backoff(3));

        fails = false;
        await resumption.ResumeAsync(jobs, Resume, Start.AddSeconds(30));
        await resumption.ResumeAsync(jobs, Resume, Start.AddSeconds(31));           // resumed: no backoff any more
        Assert.Equal(5, tries);
        Assert.Equal(3, _logger.Entries.Count(e => e.Level == LogLevel.Warning));
    }

    private sealed class RecordingLogger : ILogger
    {
        public List<(LogLevel Level, string Message)> Entries { get; } = [];

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (Entries) Entries.Add((logLevel, formatter(state, exception)));
        }
    }
}
