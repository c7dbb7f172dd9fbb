using System.Diagnostics;
using RangeOrleans.Testing;

namespace RangeOrleans.Cluster.Tests;

/// <summary>A `range silo` child process (the built range.dll), killed on dispose.</summary>
internal sealed class SiloProcess : IDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(240); // a loaded 2-core machine has taken 170 s
    private readonly Process _process;
    private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Queue<string> _tail = new();

    // Tests count log lines (re-runs, stopped shards) after a silo dies, when the survivors print pages of Orleans
    // connection warnings with stack traces: 2,000 lines lost the lines counted (CI, a 3-silo kill test).
    private const int RememberedLines = 200_000;

    /// <param name="azureConnection">The silo's AZURE_STORAGE_CONNECTION_STRING; null: none (a silo set up wrong).</param>
    /// <param name="membership">Failure detection (range silo --membership): tests that kill silos choose "fast" (about 2 s) explicitly.</param>
    /// <param name="arguments">More `range silo` options (--tls-cert, --health-port ...).</param>
    /// <param name="environment">More environment variables (RANGE_REDIS_PASSWORD, RANGE_DASHBOARD_PASSWORD ...).</param>
    /// <param name="access">
    /// What jobs may touch (--data-root, --allow-container options); default: the temp folder, the repository (samples,
    /// fixtures) and every container, where the tests keep their files.
    /// </param>
    public SiloProcess(string redis, string? azureConnection, int maxConcurrentShards = 1, string membership = "fast",
        IEnumerable<string>? arguments = null, IReadOnlyDictionary<string, string>? environment = null, IReadOnlyList<string>? access = null)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { RangeDll, "silo", "--cluster", redis, "--max-concurrent-shards", maxConcurrentShards.ToString(), "--membership", membership })
            info.ArgumentList.Add(a);
        foreach (var a in arguments ?? []) info.ArgumentList.Add(a);
        foreach (var a in access ?? DefaultAccess) info.ArgumentList.Add(a);
        if (azureConnection is null) info.Environment.Remove("AZURE_STORAGE_CONNECTION_STRING");
        else info.Environment["AZURE_STORAGE_CONNECTION_STRING"] = azureConnection;
        info.Environment["DOTNET_gcServer"] = "0";
        foreach (var (name, value) in environment ?? new Dictionary<string, string>()) info.Environment[name] = value;
        _process = new Process { StartInfo = info };
        _process.OutputDataReceived += (_, e) => OnLine(e.Data);
        _process.ErrorDataReceived += (_, e) => OnLine(e.Data);
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public int Id => _process.Id;
    public bool HasExited => _process.HasExited;

    /// <summary>Whether it printed "silo started" (it joined its cluster).</summary>
    public bool Started => _started.Task.IsCompleted;

    /// <summary>Waits up to <paramref name="limit"/> for the process to end; its exit code, or null while it still runs.</summary>
    public async Task<int?> WaitExitAsync(TimeSpan limit)
    {
        using var timeout = new CancellationTokenSource(limit);
        try { await _process.WaitForExitAsync(timeout.Token); }
        catch (OperationCanceledException) { return null; }
        return _process.ExitCode;
    }

    public async Task WaitStartedAsync()
    {
        var done = await Task.WhenAny(_started.Task, _process.WaitForExitAsync(), Task.Delay(StartTimeout));
        if (done != _started.Task) throw new InvalidOperationException($"silo {Id} did not start: {Tail()}");
    }

    /// <summary>Hard kill (no graceful shutdown): what a crashed machine looks like to the cluster.</summary>
    public void Kill()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        _process.WaitForExit(10_000);
    }

    public string Tail()
    {
        lock (_tail) return string.Join(" | ", _tail.TakeLast(30));
    }

    /// <summary>The remembered lines (the last <see cref="RememberedLines"/>) that mention <paramref name="text"/>, with the line after each (logs put the message there).</summary>
    /// <param name="withNext">False: the matching lines alone (to count or parse them).</param>
    public IEnumerable<string> LinesAbout(string text, bool withNext = true)
    {
        lock (_tail)
        {
            var lines = _tail.ToList();
            for (int i = 0; i < lines.Count; i++)
                if (lines[i].Contains(text, StringComparison.Ordinal)) yield return withNext && i + 1 < lines.Count ? lines[i] + " " + lines[i + 1].Trim() : lines[i];
        }
    }

    private void OnLine(string? line)
    {
        if (line is null) return;
        if (line.StartsWith("silo started", StringComparison.Ordinal)) _started.TrySetResult();
        lock (_tail)
        {
            _tail.Enqueue(line);
            while (_tail.Count > RememberedLines) _tail.Dequeue();
        }
    }

    public void Dispose()
    {
        Kill();
        _process.Dispose();
    }

    internal static readonly string[] DefaultAccess = ["--data-root", Path.GetTempPath(), "--data-root", TestData.RepoDir, "--allow-container", "*"];

    /// <summary>The range.dll built for this test configuration (src/Range.Cli/bin/CONFIG/net10.0).</summary>
    internal static string RangeDll => RangeCli.RangeDll;
}
