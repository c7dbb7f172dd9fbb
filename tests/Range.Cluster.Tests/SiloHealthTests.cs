using System.Net;
using System.Net.Sockets;
using RangeOrleans.Testing;

namespace RangeOrleans.Cluster.Tests;

/// <summary>
/// `range silo --health-port` (real silo processes, real Redis): /healthz answers 200 while the process serves; /readyz
/// answers 200 once the silo has joined the cluster, and 503 naming the cause while its model cache cannot be written;
/// once the silo is killed nothing answers.
/// </summary>
public sealed class SiloHealthTests : IDisposable
{
    private readonly LocalCluster _cluster = new();
    private static readonly HttpClient s_http = new() { Timeout = TimeSpan.FromSeconds(10) };

    [Fact]
    public async Task HealthzAnswersWhileTheSiloServesAndReadyzOnceItJoinedWithAWritableModelCache()
    {
        int good = FreePort(), bad = FreePort();
        var blocker = Path.Combine(Path.GetTempPath(), $"range-not-a-folder-{Guid.NewGuid():N}");
        await File.WriteAllTextAsync(blocker, "a file, not a folder");
        try
        {
            await _cluster.StartSilosAsync(1, options: ["--health-port", good.ToString()]);
            await _cluster.StartSilosAsync(1, options: ["--health-port", bad.ToString(), "--model-cache", Path.Combine(blocker, "cache")]);

            Assert.Equal((HttpStatusCode.OK, "ok"), await GetAsync(good, "/healthz"));
            var ready = await WaitForAsync(good, "/readyz", HttpStatusCode.OK);
            Assert.Equal("ready", ready);
            Assert.Equal((HttpStatusCode.OK, "ok"), await GetAsync(bad, "/healthz"));
            var (status, why) = await GetAsync(bad, "/readyz");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
            Assert.StartsWith($"the model cache {Path.Combine(blocker, "cache")} cannot be written", why);
            Assert.Equal(HttpStatusCode.NotFound, (await GetAsync(good, "/")).Status);
            // It listens where it is told: loopback by default, not every interface.
            Assert.Contains(new IPEndPoint(IPAddress.Loopback, good), ListeningSockets.Of(_cluster.Silos[0].Id));
            Assert.DoesNotContain(ListeningSockets.Of(_cluster.Silos[0].Id), e => e.Port == good && !IPAddress.IsLoopback(e.Address));

            _cluster.Silos[0].Kill();
            await Assert.ThrowsAsync<HttpRequestException>(() => GetAsync(good, "/healthz"));
        }
        finally
        {
            File.Delete(blocker);
        }
    }

    /// <summary>/readyz may say 503 (not active yet) for a moment after "silo started"; waits up to 60 s for <paramref name="wanted"/>.</summary>
    private static async Task<string> WaitForAsync(int port, string path, HttpStatusCode wanted)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            var (status, text) = await GetAsync(port, path);
            if (status == wanted) return text;
            Assert.True(DateTime.UtcNow < deadline, $"{path} still answers {status}: {text}");
            await Task.Delay(500);
        }
    }

    private static async Task<(HttpStatusCode Status, string Text)> GetAsync(int port, string path)
    {
        using var response = await s_http.GetAsync($"http://127.0.0.1:{port}{path}");
        return (response.StatusCode, (await response.Content.ReadAsStringAsync()).Trim());
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public void Dispose() => _cluster.Dispose();
}
