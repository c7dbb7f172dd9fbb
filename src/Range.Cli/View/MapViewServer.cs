using System.Globalization;
using System.Net;
using System.Text.Json;
using RangeOrleans.Cli.Terminal;

namespace RangeOrleans.Cli.View;

/// <summary>
/// The web server of <c>range view</c>: the page (index.html, view.js, view.css and the vendored Leaflet, embedded in
/// range.dll from View/wwwroot) and a <see cref="MapView"/>'s layers, on one address and port.
/// HttpListener, not ASP.NET Core: it is part of the base .NET runtime that the range images (dotnet/runtime) and the
/// self-contained GPU build carry, while ASP.NET Core would need its own shared framework wherever range runs, for
/// one local page with a handful of GET routes.
/// </summary>
internal sealed class MapViewServer : IDisposable
{
    private const string Resources = "wwwroot/";
    private readonly HttpListener _listener;

    /// <summary>With it, every request needs HTTP basic auth (user <see cref="User"/>); required on an address other than loopback.</summary>
    public const string PasswordVariable = "RANGE_VIEW_PASSWORD";

    public const string User = "range";

    private string? _password;

    private MapViewServer(HttpListener listener, string address)
    {
        _listener = listener;
        Address = address;
    }

    /// <summary>The page's address, e.g. http://127.0.0.1:8765/.</summary>
    public string Address { get; }

    /// <summary>
    /// Listens on <paramref name="host"/> (an IP address; 0.0.0.0 for every interface) and <paramref name="port"/>, behind
    /// basic auth when <paramref name="password"/> is given; an ArgumentException when it cannot (port in use), or when the
    /// address is not loopback and there is no password (the map would be open to the network).
    /// </summary>
    public static MapViewServer Start(string host, int port, string? password = null)
    {
        if (port is < 1 or > 65535) throw new ArgumentException($"--port {port}: expected 1..65535");
        if (!IPAddress.TryParse(host, out var ip)) throw new ArgumentException($"--host '{host}': expected an IP address such as 127.0.0.1 (or 0.0.0.0 for every interface)");
        if (!IPAddress.IsLoopback(ip) && string.IsNullOrEmpty(password))
            throw new ArgumentException($"--host {host}: other machines could reach the map; set {PasswordVariable} to protect it (basic auth, user '{User}') or keep 127.0.0.1");
        string name = ip.Equals(IPAddress.Any) || ip.Equals(IPAddress.IPv6Any) ? "*" : ip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{ip}]" : ip.ToString();
        var listener = new HttpListener();
        listener.Prefixes.Add($"http://{name}:{port}/");
        try
        {
            listener.Start();
        }
        catch (HttpListenerException e)
        {
            listener.Close();
            throw new ArgumentException($"cannot serve on {host}:{port}: {e.Message} (--port chooses another port)");
        }
        return new MapViewServer(listener, $"http://{(name == "*" ? host : name)}:{port}/") { _password = string.IsNullOrEmpty(password) ? null : password };
    }

    /// <summary>Answers requests until <paramref name="stop"/> is cancelled, then stops listening.</summary>
    public async Task ServeAsync(MapView view, CancellationToken stop)
    {
        using var registration = stop.Register(_listener.Stop);
        while (!stop.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync().ConfigureAwait(false);
            }
            catch (Exception e) when (stop.IsCancellationRequested && e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                break;
            }
            if (_password is not null && !Hosting.BasicAuthentication.Allows(context.Request.Headers["Authorization"], User, _password))
            {
                context.Response.Headers["WWW-Authenticate"] = "Basic realm=\"range\", charset=\"UTF-8\"";
                Send(context.Response, 401, "application/json", Error("this map wants a password (user 'range')"));
                continue;
            }
            _ = Task.Run(() => Answer(context, view), CancellationToken.None);
        }
    }

    private static void Answer(HttpListenerContext context, MapView view)
    {
        var response = context.Response;
        try
        {
            if (context.Request.HttpMethod != "GET")
            {
                Send(response, 405, "application/json", Error("only GET"));
                return;
            }
            string path = context.Request.Url!.AbsolutePath;
            switch (path)
            {
                case "/": Send(response, 200, "text/html; charset=utf-8", Resource("index.html")!); break;
                case "/api/map": Send(response, 200, "application/json", view.Description); break;
                case "/map.png": Send(response, 200, "image/png", view.EmbeddingOverlay); break;
                case "/map-key.png": Send(response, 200, "image/png", view.EmbeddingKey); break;
                case "/coastlines.json": Send(response, 200, "application/json", view.Coastlines); break;
                case "/api/similarity": Send(response, 200, "application/json", SimilarityAt(context.Request, view)); break;
                default:
                    if (path.StartsWith("/similarity/", StringComparison.Ordinal) && LayerImage(path["/similarity/".Length..], view) is { } png)
                        Send(response, 200, "image/png", png);
                    else if (Resource(path.TrimStart('/')) is { } file)
                        Send(response, 200, ContentType(path), file);
                    else
                        Send(response, 404, "application/json", Error($"no {path} here"));
                    break;
            }
        }
        catch (ArgumentException e)
        {
            Send(response, 400, "application/json", Error(e.Message));
        }
        catch (Exception e)
        {
            CommandLog.Record("view", e);
            Send(response, 500, "application/json", Error($"{e.GetType().Name}: {e.Message}"));
        }
    }

    /// <summary>The similarity layer of the place a click chose (?lon=&amp;lat=): the map point compared with, the range, the images' addresses.</summary>
    private static byte[] SimilarityAt(HttpListenerRequest request, MapView view)
    {
        double lon = Coordinate(request, "lon"), lat = Coordinate(request, "lat");
        var layer = view.Similarity(view.RowAt(lon, lat));
        return JsonSerializer.SerializeToUtf8Bytes(new
        {
            lon, lat,
            nearestLon = layer.Lon, nearestLat = layer.Lat,
            min = layer.Min, max = layer.Max,
            overlay = $"similarity/{layer.Row}.png",
            key = $"similarity/{layer.Row}-key.png",
        });
    }

    /// <summary>"ROW.png" (the overlay) or "ROW-key.png" (its colour bar) of a similarity layer, or null for another name.</summary>
    private static byte[]? LayerImage(string name, MapView view)
    {
        bool key = name.EndsWith("-key.png", StringComparison.Ordinal);
        string number = key ? name[..^"-key.png".Length] : name.EndsWith(".png", StringComparison.Ordinal) ? name[..^".png".Length] : "";
        if (!int.TryParse(number, NumberStyles.None, CultureInfo.InvariantCulture, out int row) || row >= view.Rows) return null;
        var layer = view.Similarity(row);
        return key ? layer.Key : layer.Overlay;
    }

    private static double Coordinate(HttpListenerRequest request, string name) =>
        double.TryParse(request.QueryString[name], NumberStyles.Float, CultureInfo.InvariantCulture, out double value) && double.IsFinite(value)
            ? value : throw new ArgumentException($"?{name}= must be a number of degrees, got '{request.QueryString[name]}'");

    private static byte[]? Resource(string name)
    {
        using var stream = typeof(MapViewServer).Assembly.GetManifestResourceStream(Resources + name);
        if (stream is null) return null;
        using var bytes = new MemoryStream();
        stream.CopyTo(bytes);
        return bytes.ToArray();
    }

    private static string ContentType(string path) => Path.GetExtension(path) switch
    {
        ".js" => "text/javascript; charset=utf-8",
        ".css" => "text/css; charset=utf-8",
        ".png" => "image/png",
        ".html" => "text/html; charset=utf-8",
        _ => "text/plain; charset=utf-8",
    };

    private static byte[] Error(string message) => JsonSerializer.SerializeToUtf8Bytes(new { error = message });

    private static void Send(HttpListenerResponse response, int status, string type, byte[] body)
    {
        try
        {
            response.StatusCode = status;
            response.ContentType = type;
            response.Headers["Cache-Control"] = "no-cache";
            response.ContentLength64 = body.Length;
            response.OutputStream.Write(body);
            response.Close();
        }
        catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or IOException)
        {
            // The browser went away (a newer click, a closed tab): nothing to answer.
        }
    }

    public void Dispose() => _listener.Close();
}
