using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace RangeOrleans.Cli.Tests;

/// <summary>
/// Debian's chromium, headless, with one page driven through the DevTools protocol (JSON over a WebSocket): commands
/// one at a time, each answered before the next; the page's HTTP responses are remembered from the Network events.
/// </summary>
internal sealed class HeadlessChromium : IAsyncDisposable
{
    public const string Executable = "/usr/bin/chromium";
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(90);

    private readonly Process _process;
    private readonly string _profile;
    private readonly ClientWebSocket _socket;
    private int _lastId;

    private HeadlessChromium(Process process, string profile, ClientWebSocket socket)
    {
        _process = process;
        _profile = profile;
        _socket = socket;
    }

    /// <summary>Responses the page received (after Network.enable): URL, HTTP status and MIME type.</summary>
    public List<(string Url, int Status, string MimeType)> Responses { get; } = [];

    /// <summary>Starts chromium on a free DevTools port (it writes the port to its profile's DevToolsActivePort) and connects to its page.</summary>
    public static async Task<HeadlessChromium> StartAsync(int width = 1280, int height = 800)
    {
        string profile = Path.Combine(Path.GetTempPath(), $"range-chromium-{Guid.NewGuid():N}");
        Directory.CreateDirectory(profile);
        var info = new ProcessStartInfo(Executable) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run", "--no-default-browser-check",
                     "--remote-debugging-port=0", $"--user-data-dir={profile}", $"--window-size={width},{height}", "about:blank" })
            info.ArgumentList.Add(a);
        var process = Process.Start(info)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            var clock = Stopwatch.StartNew();
            string portFile = Path.Combine(profile, "DevToolsActivePort");
            string? page = null;
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
            while (page is null)
            {
                if (process.HasExited) throw new InvalidOperationException($"chromium exited with code {process.ExitCode} while starting");
                if (clock.Elapsed > StartTimeout) throw new TimeoutException($"chromium gave no DevTools page within {StartTimeout.TotalSeconds:0} s");
                await Task.Delay(200);
                if (!File.Exists(portFile) || File.ReadAllLines(portFile) is not [var port, ..] || port.Length == 0) continue;
                var targets = JsonDocument.Parse(await http.GetStringAsync($"http://127.0.0.1:{port}/json/list")).RootElement;
                page = targets.EnumerateArray().Where(t => t.GetProperty("type").GetString() == "page")
                    .Select(t => t.GetProperty("webSocketDebuggerUrl").GetString()).FirstOrDefault();
            }
            var socket = new ClientWebSocket();
            socket.Options.KeepAliveInterval = TimeSpan.Zero;
            using var connecting = new CancellationTokenSource(StartTimeout);
            await socket.ConnectAsync(new Uri(page), connecting.Token);
            return new HeadlessChromium(process, profile, socket);
        }
        catch
        {
            process.Kill(entireProcessTree: true);
            process.Dispose();
            Directory.Delete(profile, recursive: true);
            throw;
        }
    }

    /// <summary>Sends a DevTools command and returns its result; an error answer fails.</summary>
    public async Task<JsonElement> SendAsync(string method, object? parameters = null)
    {
        int id = ++_lastId;
        using var timeout = new CancellationTokenSource(CommandTimeout);
        var message = JsonSerializer.SerializeToUtf8Bytes(new { id, method, @params = parameters ?? new { } });
        await _socket.SendAsync(message, WebSocketMessageType.Text, endOfMessage: true, timeout.Token);
        while (true)
        {
            var answer = await ReceiveAsync(timeout.Token);
            if (answer.TryGetProperty("method", out var evt)) { Remember(evt.GetString(), answer); continue; }
            if (!answer.TryGetProperty("id", out var answered) || answered.GetInt32() != id) continue;
            if (answer.TryGetProperty("error", out var error)) throw new InvalidOperationException($"{method}: {error}");
            return answer.GetProperty("result").Clone();
        }
    }

    /// <summary>Evaluates a JavaScript expression in the page (awaiting a promise) and returns its value as JSON.</summary>
    public async Task<JsonElement> EvaluateAsync(string expression)
    {
        var result = await SendAsync("Runtime.evaluate", new { expression, returnByValue = true, awaitPromise = true });
        if (result.TryGetProperty("exceptionDetails", out var exception)) throw new InvalidOperationException($"{expression}: {exception}");
        return result.GetProperty("result").TryGetProperty("value", out var value) ? value : default;
    }

    /// <summary>Evaluates <paramref name="expression"/> until it gives something other than null, undefined or false.</summary>
    public async Task<JsonElement> WaitForAsync(string expression, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var value = await EvaluateAsync(expression);
            if (value.ValueKind is not (JsonValueKind.Undefined or JsonValueKind.Null or JsonValueKind.False)) return value;
            if (clock.Elapsed > timeout) throw new TimeoutException($"the page did not give {expression} within {timeout.TotalSeconds:0} s");
            await Task.Delay(250);
        }
    }

    /// <summary>A left click at (x, y) CSS pixels of the viewport, as a user's: move, press, release.</summary>
    public async Task ClickAsync(double x, double y)
    {
        await SendAsync("Input.dispatchMouseEvent", new { type = "mouseMoved", x, y });
        await SendAsync("Input.dispatchMouseEvent", new { type = "mousePressed", x, y, button = "left", clickCount = 1 });
        await SendAsync("Input.dispatchMouseEvent", new { type = "mouseReleased", x, y, button = "left", clickCount = 1 });
    }

    /// <summary>A PNG of the viewport.</summary>
    public async Task<byte[]> ScreenshotAsync() =>
        Convert.FromBase64String((await SendAsync("Page.captureScreenshot", new { format = "png" })).GetProperty("data").GetString()!);

    private void Remember(string? method, JsonElement message)
    {
        if (method != "Network.responseReceived") return;
        var response = message.GetProperty("params").GetProperty("response");
        Responses.Add((response.GetProperty("url").GetString()!, response.GetProperty("status").GetInt32(), response.GetProperty("mimeType").GetString()!));
    }

    private async Task<JsonElement> ReceiveAsync(CancellationToken cancel)
    {
        var buffer = new byte[1 << 16];
        using var message = new MemoryStream();
        WebSocketReceiveResult part;
        do
        {
            part = await _socket.ReceiveAsync(buffer, cancel);
            if (part.MessageType == WebSocketMessageType.Close) throw new InvalidOperationException("chromium closed the DevTools connection");
            message.Write(buffer, 0, part.Count);
        }
        while (!part.EndOfMessage);
        return JsonDocument.Parse(Encoding.UTF8.GetString(message.GetBuffer(), 0, (int)message.Length)).RootElement;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            using var closing = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await _socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, closing.Token);
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or InvalidOperationException) { }
        _socket.Dispose();
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        _process.WaitForExit(10_000);
        _process.Dispose();
        try { Directory.Delete(_profile, recursive: true); }
        catch (IOException) { }
    }
}
