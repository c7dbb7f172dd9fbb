using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using RangeOrleans.Hosting;
using RangeOrleans.Testing;

namespace RangeOrleans.Cluster.Tests;

/// <summary>
/// A cluster on loopback for one test: real Azurite and Redis, silos as separate `range silo` processes,
/// clients in this process. Every wait is bounded and reports the silos' last log lines when it gives up.
/// Disposing kills every silo it started and both services.
/// </summary>
internal sealed class LocalCluster : IDisposable
{
    public static readonly TimeSpan JobTimeout = TimeSpan.FromMinutes(5);
    private readonly List<SiloProcess> _started = [];

    private readonly string _membership;

    /// <param name="persistentRedis">Redis with its append-only file on, so its data survives a restart.</param>
    /// <param name="membership">
    /// The silos' failure detection: "fast" (a killed silo is declared dead in about 2 s, so fault tests finish quickly)
    /// unless a test asks for the "production" default.
    /// </param>
    public LocalCluster(bool persistentRedis = false, string membership = "fast")
    {
        _membership = membership;
        Azurite = new AzuriteProcess();
        try { Redis = new RedisProcess(persistentRedis); }
        catch
        {
            Azurite.Dispose();
            throw;
        }
    }

    public AzuriteProcess Azurite { get; }
    public RedisProcess Redis { get; }

    /// <summary>The silos of the current generation (see <see cref="KillAllSilos"/>), in start order.</summary>
    public List<SiloProcess> Silos { get; } = [];

    /// <param name="access">The silos' --data-root / --allow-container options (default: <see cref="SiloProcess"/>'s) and any more options.</param>
    public async Task StartSilosAsync(int count, int maxConcurrentShards = 1, IReadOnlyList<string>? access = null,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        var started = Enumerable.Range(0, count)
            .Select(_ => new SiloProcess(Redis.ConnectionString, Azurite.ConnectionString, maxConcurrentShards, _membership, access, environment)).ToList();
        _started.AddRange(started);
        Silos.AddRange(started);
        await Task.WhenAll(started.Select(s => s.WaitStartedAsync()));
    }

    /// <summary>Hard-kills every silo of the current generation (a crash of the whole cluster); the next start is a new generation.</summary>
    public void KillAllSilos()
    {
        Parallel.ForEach(Silos, s => s.Kill());
        Silos.Clear();
    }

    /// <summary>A client connected through Redis membership; dispose the host (after StopAsync) when done.</summary>
    public async Task<(IHost Host, IClusterClient Client)> ConnectAsync()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.UseOrleansClient(c => c.AddRangeClient(new RangeClusterOptions { Redis = Redis.ConnectionString }));
        var host = builder.Build();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await host.StartAsync(timeout.Token);
        return (host, host.Services.GetRequiredService<IClusterClient>());
    }

    /// <summary>
    /// Reads <paramref name="read"/> every 200 ms until <paramref name="until"/> holds, for at most
    /// <see cref="JobTimeout"/> (or <paramref name="timeout"/>). A read failing because the silo holding the grain just died is retried.
    /// </summary>
    public async Task<T> WaitAsync<T>(Func<Task<T>> read, Func<T, bool> until, string what, TimeSpan? timeout = null)
    {
        var limit = timeout ?? JobTimeout;
        var deadline = DateTime.UtcNow + limit;
        T? last = default;
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                last = await read();
                if (until(last)) return last;
            }
            catch (Exception e) when (e is OrleansException or TimeoutException) { } // the silo holding the grain just died
            await Task.Delay(200);
        }
        throw new TimeoutException($"{what} did not get there in {limit}: last status {last}; silo logs: {SiloLogs()}");
    }

    /// <summary>Every silo's remembered log lines that mention <paramref name="text"/>.</summary>
    public string SiloLogsAbout(string text) =>
        string.Join(" || ", _started.SelectMany(s => s.LinesAbout(text).Select(line => $"[{s.Id}] {line}")));

    public string SiloLogs() => string.Join(" || ", _started.Select(s => $"[{s.Id}] {s.Tail()}"));

    public void Dispose()
    {
        foreach (var silo in _started) silo.Dispose();
        Redis.Dispose();
        Azurite.Dispose();
    }
}
