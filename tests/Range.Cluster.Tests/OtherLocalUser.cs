using System.Diagnostics;

namespace RangeOrleans.Cluster.Tests;

/// <summary>
/// Another local user, played for real: commands run as uid and gid 65534 (nobody; numeric, so no account need exist),
/// without supplementary groups, through util-linux' setpriv, which a root test process may use; the kernel drops
/// root's capabilities with the uid.
/// </summary>
internal static class OtherLocalUser
{
    private const string Setpriv = "/usr/bin/setpriv";

    /// <summary>Null when this process can run commands as another uid; else why not (the test that needs it is skipped).</summary>
    public static string? Unavailable =>
        !OperatingSystem.IsLinux() ? "another local user is played with setpriv, on Linux only"
        : !Environment.IsPrivilegedProcess ? "only root can run a process as another uid (setpriv); run the tests as root to play another local user"
        : !File.Exists(Setpriv) ? $"{Setpriv} (util-linux) is missing: no way to run a process as another uid"
        : null;

    /// <summary>Runs <paramref name="command"/> as nobody; its exit code and what it wrote (stdout, then stderr).</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(params string[] command)
    {
        var info = new ProcessStartInfo(Setpriv) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "--reuid=65534", "--regid=65534", "--clear-groups", "--" }.Concat(command)) info.ArgumentList.Add(a);
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, (await output) + (await error));
    }
}
