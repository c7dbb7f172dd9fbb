using System.Globalization;
using System.Net;
using System.Net.Sockets;
using RangeOrleans.Testing;
using SkiaSharp;

namespace RangeOrleans.Cli.Tests.Commands;

public class ViewCommandTests(ExportMaps maps) : IClassFixture<ExportMaps>
{
    private static readonly TimeSpan PageTimeout = TimeSpan.FromSeconds(120);

    [ChromiumFact]
    public async Task ClickingAPlaceInChromiumShowsItsSimilarityOverlayAndTheClickedCoordinates()
    {
        int port = ServiceProcess.FreeLoopbackPort();
        using var view = RangeCli.Start(["view", maps.TwoDegree, "--port", port.ToString(CultureInfo.InvariantCulture)],
            new Dictionary<string, string> { [Terminal.CommandLog.EnvironmentVariable] = maps.File("view.log") }, TimeSpan.FromMinutes(10));
        string address = await Serving(view, port);
        await using var browser = await HeadlessChromium.StartAsync();
        await browser.SendAsync("Network.enable");
        await browser.SendAsync("Page.navigate", new { url = address });
        await browser.WaitForAsync("document.body && document.body.dataset.ready === 'true'", PageTimeout);
        Assert.Contains(browser.Responses, r => r.Url == address + "map.png" && r.Status == 200 && r.MimeType == "image/png");

        // A user's click where the map shows (11, 21), a cell centre of the 2-degree map.
        var (x, y) = await ScreenPoint(browser, 11, 21);
        await browser.ClickAsync(x, y);
        var overlay = await browser.WaitForAsync(
            "(() => { const i = document.querySelector('img.similarity-overlay'); return i && i.dataset.loaded === 'true' && i.naturalWidth > 0 " +
            "? { lon: Number(i.dataset.lon), lat: Number(i.dataset.lat), src: i.src } : null; })()", PageTimeout);
        double lon = overlay.GetProperty("lon").GetDouble(), lat = overlay.GetProperty("lat").GetDouble();
        string src = overlay.GetProperty("src").GetString()!;
        Assert.InRange(lon, 10.5, 11.5); // within a screen pixel or two of the click
        Assert.InRange(lat, 20.5, 21.5);
        Assert.Contains(browser.Responses, r => r.Url == src && r.Status == 200 && r.MimeType == "image/png");
        string clicked = (await browser.EvaluateAsync("document.getElementById('clicked').textContent")).GetString()!;
        Assert.Contains(string.Create(CultureInfo.InvariantCulture, $"clicked lon {lon:0.000}, lat {lat:0.000}"), clicked);
        Assert.Contains("compared with the map point at 11.000, 21.000", clicked);
        Assert.True((await browser.EvaluateAsync("document.getElementById('similarity-key').naturalWidth > 0")).GetBoolean(), "no colour bar");

        // The server's overlay is the similarity to the clicked cell: there it is the highest (viridis' yellow end), outside the map's --bbox clear.
        using var http = new HttpClient();
        using var png = SKBitmap.Decode(await http.GetByteArrayAsync(src));
        SKColor At(double lo, double la) => png.GetPixel((int)((lo + 180) / 360 * png.Width), (int)((90 - la) / 180 * png.Height));
        Assert.Equal(new SKColor(253, 231, 37), At(11, 21));
        Assert.Equal(0, At(100, 0).Alpha);
        Assert.NotEqual(At(11, 21), At(-45, 55));

        var screenshot = await browser.ScreenshotAsync();
        using (var shot = SKBitmap.Decode(screenshot)) Assert.Equal(1280, shot.Width);
        File.WriteAllBytes(maps.File("view.png"), screenshot);
        if (Environment.GetEnvironmentVariable("RANGE_VIEW_SCREENSHOT") is { Length: > 0 } keep) File.WriteAllBytes(keep, screenshot);

        // A click outside the map's cells says so on the page and keeps the layer.
        (x, y) = await ScreenPoint(browser, -100, 0);
        await browser.ClickAsync(x, y);
        var status = await browser.WaitForAsync("document.getElementById('status').textContent.includes('outside') && document.getElementById('status').textContent", PageTimeout);
        Assert.Contains("is outside the map's cells", status.GetString());
        Assert.Equal(src, (await browser.EvaluateAsync("document.querySelector('img.similarity-overlay').src")).GetString());

        // SIGTERM (as Ctrl-C) stops the server cleanly.
        view.Signal("TERM");
        var end = await view.Result.WaitAsync(TimeSpan.FromSeconds(60));
        Assert.True(end.ExitCode == 0, end.ToString());
        Assert.EndsWith("stopped", end.Output.Trim());
    }

    [Fact]
    public void AnUnfinishedMapOrAPortInUseIsOneLineAndExitTwo()
    {
        var unfinished = maps.File("view-unfinished");
        Directory.CreateDirectory(unfinished);
        var run = CliRunner.Run("view", unfinished, "--port", ServiceProcess.FreeLoopbackPort().ToString(CultureInfo.InvariantCulture));
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("not a finished map job", run.Error);
        Assert.Single(run.Error.Trim().Split('\n'));

        var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        try
        {
            int port = ((IPEndPoint)taken.LocalEndpoint).Port;
            run = CliRunner.Run("view", maps.TwoDegree, "--port", port.ToString(CultureInfo.InvariantCulture));
            Assert.Equal(2, run.ExitCode);
            Assert.Contains($"cannot serve on 127.0.0.1:{port}", run.Error);
            Assert.Single(run.Error.Trim().Split('\n'));
        }
        finally
        {
            taken.Stop();
        }
    }

    [Fact]
    public async Task AnAddressOtherMachinesReachNeedsAPasswordAndEveryRequestGivesIt()
    {
        var open = CliRunner.Run("view", maps.TwoDegree, "--host", "0.0.0.0", "--port", ServiceProcess.FreeLoopbackPort().ToString(CultureInfo.InvariantCulture));
        Assert.Equal(2, open.ExitCode);
        Assert.Contains("--host 0.0.0.0: other machines could reach the map; set RANGE_VIEW_PASSWORD", open.Error);
        Assert.Single(open.Error.Trim().Split('\n'));

        const string password = "view-password-9c1";
        int port = ServiceProcess.FreeLoopbackPort();
        using var view = RangeCli.Start(["view", maps.TwoDegree, "--host", "0.0.0.0", "--port", port.ToString(CultureInfo.InvariantCulture)],
            new Dictionary<string, string> { ["RANGE_VIEW_PASSWORD"] = password, [Terminal.CommandLog.EnvironmentVariable] = maps.File("view-auth.log") }, TimeSpan.FromMinutes(5));
        while (!view.OutputSoFar.Contains("serving ", StringComparison.Ordinal))
        {
            if (view.Result.IsCompleted) Assert.Fail($"range view ended before serving: {await view.Result}");
            await Task.Delay(250);
        }
        using var http = new HttpClient();
        string page = $"http://127.0.0.1:{port}/api/map";
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync(page)).StatusCode);
        using var wrong = new HttpRequestMessage(HttpMethod.Get, page) { Headers = { Authorization = new("Basic", Convert.ToBase64String("range:wrong"u8.ToArray())) } };
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.SendAsync(wrong)).StatusCode);
        using var right = new HttpRequestMessage(HttpMethod.Get, page) { Headers = { Authorization = new("Basic", Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"range:{password}"))) } };
        Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(right)).StatusCode);
        view.Signal("INT");
        await view.Result;
    }

    /// <summary>The page's address once the `range view` process says it serves (it reads and draws the map first).</summary>
    private static async Task<string> Serving(RangeCli.Running view, int port)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!view.OutputSoFar.Contains("serving ", StringComparison.Ordinal))
        {
            if (view.Result.IsCompleted) Assert.Fail($"range view ended before serving: {await view.Result}");
            if (clock.Elapsed > PageTimeout) Assert.Fail($"range view did not serve within {PageTimeout.TotalSeconds:0} s: {view.OutputSoFar}");
            await Task.Delay(250);
        }
        string address = $"http://127.0.0.1:{port}/";
        Assert.Contains($"at {address} (Ctrl-C stops)", view.OutputSoFar);
        return address;
    }

    /// <summary>Where the page's map shows (lon, lat), in viewport pixels.</summary>
    private static async Task<(double X, double Y)> ScreenPoint(HeadlessChromium browser, double lon, double lat)
    {
        var point = await browser.EvaluateAsync(string.Create(CultureInfo.InvariantCulture,
            $"(() => {{ const m = rangeView.map, p = m.latLngToContainerPoint([{lat}, {lon}]), r = m.getContainer().getBoundingClientRect(); return {{ x: p.x + r.left, y: p.y + r.top }}; }})()"));
        return (point.GetProperty("x").GetDouble(), point.GetProperty("y").GetDouble());
    }
}
