using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using RangeOrleans.Testing;

namespace RangeOrleans.Cluster.Tests;

/// <summary>
/// The HTTP front end of a <see cref="LocalCluster"/> as a user runs it: three tokens made by `range api token add` (one for
/// the temp folder and the repository, as the silos allow; one for a folder of its own; one with a low rate; one for every path) and a `range api` process on a
/// free loopback port, ready once its /readyz answers 200. Disposing kills it.
/// </summary>
internal sealed class ApiFrontEnd : IDisposable
{
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(180);
    private readonly RangeCli.Running _process;

    private ApiFrontEnd(RangeCli.Running process, Uri address, string token, string narrowToken, string narrowRoot, string limitedToken, string wideToken)
    {
        LimitedToken = limitedToken;
        WideToken = wideToken;
        _process = process;
        Address = address;
        Token = token;
        NarrowToken = narrowToken;
        NarrowRoot = narrowRoot;
    }

    public Uri Address { get; }

    /// <summary>A token for the temp folder, the repository and every container (where the silos let jobs go).</summary>
    public string Token { get; }

    /// <summary>A token for <see cref="NarrowRoot"/> only.</summary>
    public string NarrowToken { get; }

    public string NarrowRoot { get; }

    /// <summary>A token allowed <see cref="LimitedRate"/> requests a minute.</summary>
    public string LimitedToken { get; }

    public const int LimitedRate = 2;

    /// <summary>A token for every local path: wider than the silos allow, so the silos' own checks show.</summary>
    public string WideToken { get; }

    public static async Task<ApiFrontEnd> StartAsync(LocalCluster cluster, string folder)
    {
        string tokens = Path.Combine(folder, "tokens.json");
        string narrowRoot = Path.Combine(folder, "narrow");
        string token = await AddTokenAsync(tokens, "full", "--data-root", Path.GetTempPath(), "--data-root", TestData.RepoDir, "--allow-container", "*", "--rate", "100000", "--concurrency", "64");
        string narrow = await AddTokenAsync(tokens, "narrow", "--data-root", narrowRoot);
        string limited = await AddTokenAsync(tokens, "limited", "--data-root", narrowRoot, "--rate", LimitedRate.ToString());
        string wide = await AddTokenAsync(tokens, "wide", "--data-root", "/");
        int port = FreePort();
        var process = RangeCli.Start(["api", "--cluster", cluster.Redis.ConnectionString, "--port", port.ToString(), "--tokens", tokens],
            new Dictionary<string, string>(cluster.Environment) { ["AZURE_STORAGE_CONNECTION_STRING"] = cluster.Azurite.ConnectionString }, TimeSpan.FromHours(1));
        var api = new ApiFrontEnd(process, new Uri($"http://127.0.0.1:{port}"), token, narrow, narrowRoot, limited, wide);
        try { await api.WaitReadyAsync(); }
        catch
        {
            api.Dispose();
            throw;
        }
        return api;
    }

    /// <summary>A client for this front end, with <paramref name="token"/> (none: no Authorization header).</summary>
    public HttpClient Client(string? token)
    {
        var client = new HttpClient { BaseAddress = Address, Timeout = TimeSpan.FromMinutes(3) };
        if (token is not null) client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    public string Output => $"stdout: {_process.OutputSoFar} stderr: {_process.ErrorSoFar}";

    private async Task WaitReadyAsync()
    {
        using var http = Client(null);
        var deadline = DateTime.UtcNow + ReadyTimeout;
        while (DateTime.UtcNow < deadline)
        {
            if (_process.Result.IsCompleted) throw new InvalidOperationException($"range api exited: {await _process.Result}");
            try
            {
                using var ready = await http.GetAsync("/readyz");
                if (ready.StatusCode == HttpStatusCode.OK) return;
            }
            catch (HttpRequestException) { } // not listening yet
            await Task.Delay(500);
        }
        throw new TimeoutException($"range api was not ready within {ReadyTimeout}: {Output}");
    }

    private static async Task<string> AddTokenAsync(string file, string name, params string[] options)
    {
        var added = await RangeCli.RunAsync(["api", "token", "add", "--tokens", file, "--name", name, .. options]);
        Assert.True(added.ExitCode == 0, added.ToString());
        return added.Output.Trim();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public void Dispose() => _process.Dispose();
}
