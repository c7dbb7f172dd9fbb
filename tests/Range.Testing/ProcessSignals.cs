using System.Runtime.InteropServices;

namespace RangeOrleans.Testing;

/// <summary>Signals for child processes that .NET's Process lacks (Kill sends SIGKILL only): graceful stops, freezing and thawing.</summary>
public static class ProcessSignals
{
    private const int Sigterm = 15;
    private const int Sigstop = 19;
    private const int Sigcont = 18;

    /// <summary>Sends SIGTERM to <paramref name="pid"/>; false when it could not be sent (no such process).</summary>
    public static bool Terminate(int pid) => sys_kill(pid, Sigterm) == 0;

    /// <summary>Freezes <paramref name="pid"/> (SIGSTOP): it keeps its sockets open but answers nothing, as a stalled process.</summary>
    public static bool Freeze(int pid) => sys_kill(pid, Sigstop) == 0;

    /// <summary>Lets a frozen <paramref name="pid"/> run again (SIGCONT).</summary>
    public static bool Thaw(int pid) => sys_kill(pid, Sigcont) == 0;

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int sys_kill(int pid, int signal);
}
