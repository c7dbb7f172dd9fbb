using System.Diagnostics;

namespace RangeOrleans.Cluster.Tests;

/// <summary>Headless chromium (/usr/bin/chromium, scripts/ci-services.sh installs it): a page's DOM after its scripts ran, and screenshots.</summary>
internal static class Chromium
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);

    /// <summary>The DOM of <paramref name="url"/> once its scripts had <paramref name="settle"/> of (virtual) time to fetch and draw.</summary>
    public static Task<string> DumpDomAsync(string url, TimeSpan settle) => RunAsync(["--dump-dom", $"--virtual-time-budget={(int)settle.TotalMilliseconds}", url]);

    public static Task ScreenshotAsync(string url, string png, TimeSpan settle) =>
        RunAsync([$"--screenshot={png}", "--window-size=1400,900", "--hide-scrollbars", $"--virtual-time-budget={(int)settle.TotalMilliseconds}", url]);

    private static async Task<string> RunAsync(string[] args)
    {
        var info = new ProcessStartInfo("chromium") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        var profile = Directory.CreateTempSubdirectory("range-chromium-");
        foreach (var a in new[] { "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", $"--user-data-dir={profile.FullName}" }.Concat(args))
            info.ArgumentList.Add(a);
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(Timeout);
        try { await process.WaitForExitAsync(timeout.Token); }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"chromium {string.Join(' ', args)} did not end in {Timeout}: {await error}");
        }
        finally { profile.Delete(recursive: true); }
        if (process.ExitCode != 0) throw new InvalidOperationException($"chromium {string.Join(' ', args)}: exit {process.ExitCode}: {await error}");
        return await output;
    }
}
