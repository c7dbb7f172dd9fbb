using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.RegularExpressions;
using RangeOrleans.Abstractions;
using RangeOrleans.Hosting;
using RangeOrleans.Testing;

namespace RangeOrleans.Cluster.Tests;

/// <summary>
/// Watching the cluster: a `range silo --dashboard-port` serves the Orleans dashboard and the jobs page, which real headless
/// chromium loads and which show both silos and a running job; with RANGE_DASHBOARD_PASSWORD every request needs it; a
/// dashboard on an address other machines reach without a password is refused at start; the jobs page's Cancel form
/// cancels a running job only with its anti-forgery token and only by POST. Screenshots go to
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
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.PostAsync($"http://127.0.0.1:{guarded}/jobs/watched-map/cancel", new FormUrlEncodedContent([]))).StatusCode);
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

    [Fact]
    public async Task TheJobsPageCancelsARunningJobByItsFormAndRefusesAForgedTokenOrAGet()
    {
        int port = ServiceProcess.FreeLoopbackPort();
        await _cluster.StartSilosAsync(1, access: [.. SiloProcess.DefaultAccess, "--dashboard-port", port.ToString()]);
        var (host, client) = await _cluster.ConnectAsync();
        using var connected = host;
        var job = client.GetGrain<IJobCoordinatorGrain>("doomed-map");
        await job.SubmitAsync(MapJobs.Fibonacci(3_000_000, "az://maps/doomed-map", 10));
        await _cluster.WaitAsync(job.GetStatusAsync, s => s.State == JobState.Running || s.IsFinal, "doomed-map running");

        // What a browser does: GET the page (basic auth would be replayed by it), read the form, POST it.
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false });
        var page = new Uri($"http://127.0.0.1:{port}/jobs");
        var listing = await http.GetAsync(page);
        Assert.Equal(["DENY"], listing.Headers.GetValues("X-Frame-Options")); // no clicking Cancel through another site's frame
        var form = Regex.Match(await listing.Content.ReadAsStringAsync(),
            "<form method=\"post\" action=\"(jobs/doomed-map/cancel)\"><input type=\"hidden\" name=\"token\" value=\"([^\"]+)\">");
        Assert.True(form.Success, "no cancel form for the running job");
        var cancel = new Uri(page, form.Groups[1].Value);
        string token = form.Groups[2].Value, wrong = (token[0] == 'A' ? "B" : "A") + token[1..];

        // A cross-site form or link: no token, a wrong one, or a GET. None of them touches the job.
        Assert.Equal(HttpStatusCode.Forbidden, (await http.PostAsync(cancel, new FormUrlEncodedContent([]))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await http.PostAsync(cancel, Form(wrong))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await http.PostAsync(cancel, new StringContent($"token={token}"))).StatusCode); // not a form
        Assert.Equal(HttpStatusCode.MethodNotAllowed, (await http.GetAsync(cancel)).StatusCode);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, (await http.GetAsync($"{cancel}?token={token}")).StatusCode);
        Assert.Equal(JobState.Running, (await job.GetStatusAsync()).State);

        var posted = await http.PostAsync(cancel, Form(token));
        Assert.Equal(HttpStatusCode.SeeOther, posted.StatusCode);
        var back = new Uri(cancel, posted.Headers.Location!);
        Assert.Equal($"/jobs?cancel=doomed-map&outcome=cancelled", back.PathAndQuery);
        string after = await http.GetStringAsync(back);
        Assert.Contains("<p class=\"outcome\" id=\"outcome\">Cancelled job &#39;doomed-map&#39;: its running work stops and its temporary files are removed.</p>", after);
        var status = await RangeCli.RunAsync("status", "doomed-map", "--cluster", _cluster.Redis.ConnectionString);
        Assert.True(status.ExitCode == 1, status.ToString()); // `range status` exits 1 for a cancelled job
        Assert.StartsWith("doomed-map: cancelled", status.Output.Trim());
        Assert.Equal(JobState.Cancelled, (await job.GetStatusAsync()).State);

        // Cancelling again (the form of a page loaded before): one line, the job left as it is; the cancelled row has no form.
        var again = await http.PostAsync(cancel, Form(token));
        Assert.Equal("../../jobs?cancel=doomed-map&outcome=already-cancelled", again.Headers.Location!.OriginalString);
        string ended = await http.GetStringAsync(new Uri(cancel, again.Headers.Location));
        Assert.Contains("Job &#39;doomed-map&#39; had already ended (cancelled); left as it is.", ended);
        Assert.DoesNotContain("action=\"jobs/doomed-map/cancel\"", ended);
        Assert.Contains("No job &#39;nowhere&#39; in this cluster; nothing cancelled.", await http.GetStringAsync(new Uri(page, "jobs?cancel=nowhere&outcome=no-such-job")));
        await host.StopAsync();
    }

    private static FormUrlEncodedContent Form(string token) => new([new KeyValuePair<string, string>("token", token)]);

    public void Dispose() => _cluster.Dispose();
}
