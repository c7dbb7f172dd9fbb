using System.Diagnostics;

namespace RangeOrleans.Cluster.Tests;

/// <summary>CPU-bound child processes (`sh` busy loops) that saturate the machine while a test runs; killed on dispose.</summary>
internal sealed class CpuBurners : IDisposable
{
    private readonly List<Process> _processes = [];

    public CpuBurners(int count)
    {
        for (int i = 0; i < count; i++)
        {
            var info = new ProcessStartInfo("sh") { UseShellExecute = false };
            info.ArgumentList.Add("-c");
            info.ArgumentList.Add("while :; do :; done");
            _processes.Add(Process.Start(info)!);
        }
    }

    public int Count => _processes.Count;

    public void Dispose()
    {
        foreach (var process in _processes)
        {
            if (!process.HasExited) process.Kill();
            process.WaitForExit(5_000);
            process.Dispose();
        }
    }
}
