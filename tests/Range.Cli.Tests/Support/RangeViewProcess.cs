using System.Diagnostics;

namespace RangeOrleans.Cli.Tests;

/// <summary>A real `range view DEST --port PORT` process (the built range.dll), started and waited for until it serves; killed on dispose.</summary>
internal sealed class RangeViewProcess : IDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(180);
    private readonly Process _process;
    private readonly TaskCompletionSource _serving = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<string> _lines = [];

    private RangeViewProcess(string dest, int port, string log)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { TestData.RangeDll, "view", dest, "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture) }) info.ArgumentList.Add(a);
        info.Environment["DOTNET_gcServer"] = "0";
        info.Environment[Terminal.CommandLog.EnvironmentVariable] = log;
        _process = new Process { StartInfo = info };
        _process.OutputDataReceived += (_, e) => OnLine(e.Data);
        _process.ErrorDataReceived += (_, e) => OnLine(e.Data);
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        Address = $"http://127.0.0.1:{port}/";
    }

    public string Address { get; }

    public static async Task<RangeViewProcess> StartAsync(string dest, int port, string log)
    {
        var view = new RangeViewProcess(dest, port, log);
        var done = await Task.WhenAny(view._serving.Task, view._process.WaitForExitAsync(), Task.Delay(StartTimeout));
        if (done == view._serving.Task) return view;
        view.Dispose();
        throw new InvalidOperationException($"range view did not start serving within {StartTimeout.TotalSeconds:0} s: {view.Output}");
    }

    public string Output
    {
        get { lock (_lines) return string.Join("\n", _lines); }
    }

    /// <summary>Sends SIGTERM and waits for the exit code (null when it has not exited within <paramref name="timeout"/>).</summary>
    public int? Terminate(TimeSpan timeout)
    {
        if (!Testing.ProcessSignals.Terminate(_process.Id)) throw new InvalidOperationException($"kill({_process.Id}, SIGTERM) failed");
        if (!_process.WaitForExit(timeout)) return null;
        _process.WaitForExit(); // the output's end
        return _process.ExitCode;
    }

    private void OnLine(string? line)
    {
        if (line is null) return;
        if (line.StartsWith("serving ", StringComparison.Ordinal)) _serving.TrySetResult();
        lock (_lines) _lines.Add(line);
    }

    public void Dispose()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        _process.WaitForExit(10_000);
        _process.Dispose();
    }
}
