using System.Runtime.InteropServices;

namespace RangeOrleans.Testing;

/// <summary>Graceful stops for child processes: .NET's Process.Kill sends SIGKILL only.</summary>
public static class ProcessSignals
{
    private const int Sigterm = 15;

    /// <summary>Sends SIGTERM to <paramref name="pid"/>; false when it could not be sent (no such process).</summary>
    public static bool Terminate(int pid) => sys_kill(pid, Sigterm) == 0;

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int sys_kill(int pid, int signal);
}
