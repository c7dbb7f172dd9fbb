using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace RangeOrleans.Testing;

/// <summary>
/// A service (Azurite, Redis) run as a child process on a loopback port with its data in a temporary
/// folder. <see cref="Stop"/> shuts it down gracefully (SIGTERM, so it saves its data) and
/// <see cref="Start"/> brings it back on the same port and folder, for fault tests. Dispose kills it
/// and deletes the folder.
/// </summary>
public abstract class ServiceProcess : IDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(10);
    private readonly Queue<string> _outputTail = new();
    private Process? _process;
    private bool _disposed;

    protected ServiceProcess(string executable, string installHint)
    {
        Executable = executable;
        InstallHint = installHint;
        if (FindOnPath(executable) is null)
            throw new InvalidOperationException($"'{executable}' is not on PATH: {installHint} (or run scripts/ci-services.sh)");
        Port = FreeLoopbackPort();
        DataFolder = Path.Combine(Path.GetTempPath(), $"range-{executable}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(DataFolder);
        AppDomain.CurrentDomain.ProcessExit += OnProcessExit;
    }

    public string Executable { get; }
    public string InstallHint { get; }
    public int Port { get; }
    public string DataFolder { get; }
    public bool IsRunning => _process is { HasExited: false };

    /// <summary>The command-line arguments (port and data folder included).</summary>
    protected abstract IEnumerable<string> Arguments();

    /// <summary>Starts the service and waits until its port accepts connections.</summary>
    public void Start()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (IsRunning) return;
        lock (_outputTail) _outputTail.Clear();
        var info = new ProcessStartInfo(Executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = DataFolder,
        };
        foreach (var argument in Arguments()) info.ArgumentList.Add(argument);
        var process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, e) => Remember(e.Data);
        process.ErrorDataReceived += (_, e) => Remember(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;
        WaitUntilListening(process);
    }

    /// <summary>Shuts the service down gracefully (it saves its data), killing it if it does not exit in time.</summary>
    public void Stop()
    {
        var process = _process;
        if (process is null) return;
        if (!process.HasExited)
        {
            if (!ProcessSignals.Terminate(process.Id) || !process.WaitForExit(StopTimeout))
                process.Kill(entireProcessTree: true);
            process.WaitForExit();
        }
        process.Dispose();
        _process = null;
    }

    /// <summary>For constructors: starts, or cleans up (folder, exit hook) before rethrowing.</summary>
    protected void StartOrDispose()
    {
        try { Start(); }
        catch
        {
            Dispose();
            throw;
        }
    }

    public void Restart()
    {
        Stop();
        Start();
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        AppDomain.CurrentDomain.ProcessExit -= OnProcessExit;
        Kill();
        try { Directory.Delete(DataFolder, recursive: true); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        GC.SuppressFinalize(this);
    }

    public override string ToString() => $"{Executable} on 127.0.0.1:{Port}";

    private void Kill()
    {
        var process = _process;
        _process = null;
        if (process is null) return;
        try
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
            process.WaitForExit(StopTimeout);
        }
        catch (InvalidOperationException) { /* already gone */ }
        process.Dispose();
    }

    private void OnProcessExit(object? sender, EventArgs e) => Kill();

    private void WaitUntilListening(Process process)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < StartTimeout)
        {
            if (process.HasExited)
                throw new InvalidOperationException(
                    $"{Executable} exited with code {process.ExitCode} while starting on port {Port}:{Environment.NewLine}{OutputTail()}");
            if (AcceptsConnections()) return;
            Thread.Sleep(50);
        }
        Kill();
        throw new TimeoutException(
            $"{Executable} did not accept connections on 127.0.0.1:{Port} within {StartTimeout.TotalSeconds:0} s:{Environment.NewLine}{OutputTail()}");
    }

    private bool AcceptsConnections()
    {
        using var client = new TcpClient();
        try
        {
            client.Connect(IPAddress.Loopback, Port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private void Remember(string? line)
    {
        if (line is null) return;
        lock (_outputTail)
        {
            _outputTail.Enqueue(line);
            while (_outputTail.Count > 40) _outputTail.Dequeue();
        }
    }

    private string OutputTail()
    {
        lock (_outputTail)
        {
            var text = new StringBuilder();
            foreach (var line in _outputTail) text.AppendLine(line);
            return text.Length == 0 ? "(no output)" : text.ToString();
        }
    }

    /// <summary>A loopback TCP port nothing listens on now (for a service or silo endpoint a test starts).</summary>
    public static int FreeLoopbackPort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    private static string? FindOnPath(string executable)
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        foreach (var folder in path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(folder, executable);
            if (File.Exists(candidate)) return candidate;
        }
        return null;
    }
}
