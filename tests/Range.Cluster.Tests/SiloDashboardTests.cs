using System.Net;
using System.Net.Http.Headers;
using System.Text;
using RangeOrleans.Abstractions;
using RangeOrleans.Hosting;
using RangeOrleans.Testing;

namespace RangeOrleans.Cluster.Tests;

/// <summary>
/// Watching the cluster: a `range silo --dashboard-port` serves the Orleans dashboard and the jobs page, which real headless
/// chromium loads and which show both silos and a running job; with RANGE_DASHBOARD_PASSWORD every request needs it; a
/// dashboard on an address other machines reach without a password is refused at start. Screenshots go to
/// RANGE_DASHBOARD_SCREENSHOTS when set (how docs/images/dashboard-jobs.png was made).
/// </summary>
public sealed class SiloDashboardTests : IDisposable
{
    private readonly LocalCluster _cluster = new();

    [Fact]
    public async Task TheDashboardAndJobsPageShowTheSilosAndARunningJobInChromiumAndAPasswordGuardsThem()
    {
        int open = ServiceProcess.FreeLoopbackPort(), guarded = ServiceProcess.FreeLoopbackPort();
        await _cluster.StartSilosAsync(1, access: [.. SiloProcess.DefaultAccess, "--dashboard-port", open.ToString()]);
        await _cluster.StartSilosAsync(1, access: [.. SiloProcess.DefaultAccess, "--dashboard-port", guarded.ToString()],
            environment: new Dictionary<string, string> { [DashboardSettings.PasswordVariable] = "s3cret-pass" });
        var (host, client) = await _cluster.ConnectAsync();
        using var connected = host;
        await client.GetGrain<IJobCoordinatorGrain>("watched-map").SubmitAsync(MapJobs.Fibonacci(3_000_000, "az://maps/watched-map", 10));
        await _cluster.WaitAsync(() => client.GetGrain<IJobCoordinatorGrain>("watched-map").GetStatusAsync(),
            s => s.State == JobState.Running && s.DonePoints > 0 || s.IsFinal, "watched-map running");

        string jobs = await Chromium.DumpDomAsync($"http://127.0.0.1:{open}/jobs", TimeSpan.FromSeconds(1));
        Assert.Contains("<td>watched-map</td><td>map</td><td class=\"running\">running</td>", jobs);
        Assert.Matches(@"[\d,]+/3,000,000 points", jobs);
        var silos = await client.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true);
        Assert.Equal(2, silos.Count);
        string dashboard = await Chromium.DumpDomAsync($"http://127.0.0.1:{open}/#/silos", TimeSpan.FromSeconds(8));
        foreach (var silo in silos.Keys) Assert.Contains($"{silo.Endpoint.Address}:{silo.Endpoint.Port}", dashboard);

        if (Environment.GetEnvironmentVariable("RANGE_DASHBOARD_SCREENSHOTS") is { Length: > 0 } folder)
        {
            Directory.CreateDirectory(folder);
            await Chromium.ScreenshotAsync($"http://127.0.0.1:{open}/jobs", Path.Combine(folder, "dashboard-jobs.png"), TimeSpan.FromSeconds(1));
            await Chromium.ScreenshotAsync($"http://127.0.0.1:{open}/#/silos", Path.Combine(folder, "dashboard-silos.png"), TimeSpan.FromSeconds(8));
        }

        using var http = new HttpClient();
        foreach (var path in new[] { "/jobs", "/", "/ClusterStats" })
            Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync($"http://127.0.0.1:{guarded}{path}")).StatusCode);
        using var wrong = new HttpRequestMessage(HttpMethod.Get, $"http://127.0.0.1:{guarded}/jobs");
        wrong.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("range:guess")));
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.SendAsync(wrong)).StatusCode);
        using var right = new HttpRequestMessage(HttpMethod.Get, $"http://127.0.0.1:{guarded}/jobs");
        right.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("range:s3cret-pass")));
        var page = await http.SendAsync(right);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("watched-map", await page.Content.ReadAsStringAsync());

        var exposed = await RangeCli.RunAsync("silo", "--cluster", _cluster.Redis.ConnectionString, "--dashboard-port", ServiceProcess.FreeLoopbackPort().ToString(), "--dashboard-host", "0.0.0.0");
        Assert.True(exposed.ExitCode == 2, exposed.ToString());
        Assert.Equal($"error: --dashboard-host 0.0.0.0: other machines could reach the dashboard; set {DashboardSettings.PasswordVariable} to protect it (basic auth, user 'range') or keep 127.0.0.1",
            exposed.Error.Trim());

        await client.GetGrain<IJobCoordinatorGrain>("watched-map").CancelAsync();
        await host.StopAsync();
    }

    public void Dispose() => _cluster.Dispose();
}
