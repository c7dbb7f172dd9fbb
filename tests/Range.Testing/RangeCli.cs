using System.Diagnostics;
using System.Text;

namespace RangeOrleans.Testing;

/// <summary>Runs the real `range` command (the built range.dll) as a process and captures what it prints.</summary>
public static class RangeCli
{
    private static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(90);

    public sealed record Result(int ExitCode, string Output, string Error)
    {
        public override string ToString() => $"exit {ExitCode}; stdout: {Output}; stderr: {Error}";
    }

    /// <summary>The range.dll built for the calling test project's configuration (src/Range.Cli/bin/CONFIG/net10.0).</summary>
    public static string RangeDll { get; } = FindRangeDll();

    /// <summary>A `range` process still running: what it printed so far, a way to signal it, and its result. Dispose kills it if it still runs.</summary>
    public sealed class Running : IDisposable
    {
        private readonly StringBuilder _output = new(), _error = new();
        private readonly Process _process;

        public Running(string[] args, IReadOnlyDictionary<string, string>? environment, TimeSpan timeout)
        {
            var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            info.ArgumentList.Add(RangeDll);
            foreach (var a in args) info.ArgumentList.Add(a);
            info.Environment["DOTNET_gcServer"] = "0";
            foreach (var (name, value) in environment ?? new Dictionary<string, string>()) info.Environment[name] = value;
            _process = new Process { StartInfo = info };
            _process.OutputDataReceived += (_, e) => Append(_output, e.Data);
            _process.ErrorDataReceived += (_, e) => Append(_error, e.Data);
            _process.Start();
            _process.BeginOutputReadLine();
            _process.BeginErrorReadLine();
            Result = WaitAsync(string.Join(' ', args), timeout);
        }

        public Task<Result> Result { get; }

        /// <summary>The process id (while it runs).</summary>
        public int Id => _process.Id;

        public string OutputSoFar
        {
            get { lock (_output) return _output.ToString(); }
        }

        /// <summary>What the process printed on stderr so far.</summary>
        public string ErrorSoFar
        {
            get { lock (_error) return _error.ToString(); }
        }

        /// <summary>Sends a signal by name (TERM, INT) as an operator's `kill -NAME PID` would.</summary>
        public void Signal(string name) => Process.Start("kill", ["-" + name, _process.Id.ToString()])!.WaitForExit();

        /// <summary>
        /// Waits, while the process runs, until <paramref name="condition"/> holds; throws naming <paramref name="what"/>
        /// and what the process printed when it ends first or <paramref name="limit"/> passes.
        /// </summary>
        public async Task WaitUntilAsync(Func<bool> condition, TimeSpan limit, string what)
        {
            var deadline = DateTime.UtcNow + limit;
            while (!condition())
            {
                if (Result.IsCompleted) throw new InvalidOperationException($"the process ended before {what}: {await Result}");
                if (DateTime.UtcNow > deadline) throw new TimeoutException($"no {what} in {limit}: {OutputSoFar}");
                await Task.Delay(50);
            }
        }

        /// <summary>Sends a signal (<see cref="Signal"/>) and waits for the process to end; returns its result and how long that took.</summary>
        public async Task<(Result Result, TimeSpan Took)> StopAsync(string signal)
        {
            var clock = Stopwatch.StartNew();
            Signal(signal);
            var result = await Result;
            return (result, clock.Elapsed);
        }

        public void Dispose()
        {
            try
            {
                if (!_process.HasExited) _process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException) { /* already gone, or disposed once it ended */ }
        }

        private static void Append(StringBuilder text, string? line)
        {
            if (line is null) return;
            lock (text) text.AppendLine(line);
        }

        private async Task<Result> WaitAsync(string command, TimeSpan limit)
        {
            using var timeout = new CancellationTokenSource(limit);
            try { await _process.WaitForExitAsync(timeout.Token); }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
                throw new TimeoutException($"range {command} did not end in {limit}: {OutputSoFar} {_error}");
            }
            _process.WaitForExit(); // the output's last lines
            string error;
            lock (_error) error = _error.ToString();
            var result = new Result(_process.ExitCode, OutputSoFar, error);
            _process.Dispose();
            return result;
        }
    }

    public static Running Start(string[] args, IReadOnlyDictionary<string, string>? environment = null, TimeSpan? timeout = null) =>
        new(args, environment, timeout ?? DefaultTimeout);

    public static Task<Result> RunAsync(params string[] args) => Start(args).Result;

    private static string FindRangeDll()
    {
        var testBin = new DirectoryInfo(AppContext.BaseDirectory); // tests/Range.*.Tests/bin/CONFIG/net10.0/
        string framework = testBin.Name, configuration = testBin.Parent!.Name;
        for (var dir = testBin; dir != null; dir = dir.Parent)
        {
            if (!File.Exists(Path.Combine(dir.FullName, "RangeOrleans.sln"))) continue;
            var path = Path.Combine(dir.FullName, "src", "Range.Cli", "bin", configuration, framework, "range.dll");
            if (!File.Exists(path)) throw new FileNotFoundException($"build src/Range.Cli first: {path} is missing", path);
            return path;
        }
        throw new DirectoryNotFoundException($"no folder containing RangeOrleans.sln above {AppContext.BaseDirectory}");
    }
}
