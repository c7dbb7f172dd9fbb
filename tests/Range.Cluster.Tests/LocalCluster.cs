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
    /// <summary>How long a test waits for a job: a bound for a hung job, not a speed target (after two silo kills a 1M-point
    /// map runs on one silo, which on a loaded 2-core machine took over 5 minutes).</summary>
    public static readonly TimeSpan JobTimeout = TimeSpan.FromMinutes(8);
    private readonly List<SiloProcess> _started = [];

    private readonly string _membership;
    private readonly string _secretFolder = Directory.CreateTempSubdirectory("range-secret-").FullName;

    /// <param name="persistentRedis">Redis with its append-only file on, so its data survives a restart.</param>
    /// <param name="redisPassword">Redis refuses connections without it; silos and `range` processes get it from RANGE_REDIS_PASSWORD.</param>
    /// <param name="certificates">
    /// The cluster's CA: every silo gets its own silo certificate from it and <see cref="ConnectAsync"/> a client
    /// certificate (mutual TLS).
    /// </param>
    /// <param name="redisTls">Redis serves TLS only, with a certificate from <paramref name="certificates"/>.</param>
    /// <param name="membership">
    /// The silos' failure detection: "fast" (a killed silo is declared dead in about 2 s, so fault tests finish quickly)
    /// unless a test asks for the "production" default.
    /// </param>
    public LocalCluster(bool persistentRedis = false, string membership = "fast", string? redisPassword = null, TestCertificates? certificates = null, bool redisTls = false)
    {
        _membership = membership;
        Certificates = certificates;
        Environment = redisPassword is null ? new Dictionary<string, string>() : new() { [RedisConnection.PasswordVariable] = redisPassword };
        Azurite = new AzuriteProcess();
        try { Redis = new RedisProcess(persistentRedis, redisPassword, tls: redisTls ? certificates : null); }
        catch
        {
            Azurite.Dispose();
            throw;
        }
    }

    /// <summary>The cluster secret every silo gets (RANGE_CLUSTER_SECRET_FILE, silos only): they stamp their internal calls with it.</summary>
    public string SecretFile => Path.Combine(_secretFolder, "cluster-secret");

    public AzuriteProcess Azurite { get; }
    public RedisProcess Redis { get; }
    public TestCertificates? Certificates { get; }

    /// <summary>What a silo or `range` process of this cluster needs in its environment (the Redis password).</summary>
    public IReadOnlyDictionary<string, string> Environment { get; }

    /// <summary>The `--tls-cert --tls-key --tls-ca` options for <paramref name="files"/> and the CA bundle <paramref name="authority"/>.</summary>
    public static string[] TlsArguments(TestCertificates.Files files, string authority) =>
        ["--tls-cert", files.Certificate, "--tls-key", files.Key, "--tls-ca", authority];

    /// <summary>The silos of the current generation (see <see cref="KillAllSilos"/>), in start order.</summary>
    public List<SiloProcess> Silos { get; } = [];

    /// <param name="withStorage">False: silos without AZURE_STORAGE_CONNECTION_STRING (set up wrong).</param>
    /// <param name="access">The silos' --data-root / --allow-container options (default: <see cref="SiloProcess.DefaultAccess"/>).</param>
    /// <param name="environment">More environment variables for the silos (e.g. RANGE_DASHBOARD_PASSWORD).</param>
    /// <param name="options">More `range silo` options.</param>
    public async Task StartSilosAsync(int count, int maxConcurrentShards = 1, bool withStorage = true, IReadOnlyList<string>? access = null,
        IReadOnlyDictionary<string, string>? environment = null, params string[] options)
    {
        var started = Enumerable.Range(0, count).Select(_ => StartSilo(
            [.. Certificates is null ? [] : TlsArguments(Certificates.Issue($"silo-{Guid.NewGuid():N}", server: true), Certificates.AuthorityFile), .. options],
            maxConcurrentShards, withStorage, access, environment)).ToList();
        Silos.AddRange(started);
        await Task.WhenAll(started.Select(s => s.WaitStartedAsync()));
    }

    /// <summary>Starts a silo of this cluster with <paramref name="arguments"/> (its TLS options) without waiting for it; killed on dispose.</summary>
    /// <param name="withStorage">False: a silo without AZURE_STORAGE_CONNECTION_STRING (set up wrong).</param>
    public SiloProcess StartSilo(string[] arguments, int maxConcurrentShards = 1, bool withStorage = true, IReadOnlyList<string>? access = null,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        if (!File.Exists(SecretFile)) File.WriteAllText(SecretFile, Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)));
        var merged = new Dictionary<string, string>(Environment) { [ClusterSecret.FileVariable] = SecretFile };
        foreach (var (name, value) in environment ?? new Dictionary<string, string>()) merged[name] = value;
        var silo = new SiloProcess(Redis.ConnectionString, withStorage ? Azurite.ConnectionString : null, maxConcurrentShards, _membership, arguments, merged, access);
        _started.Add(silo);
        return silo;
    }

    /// <summary>Hard-kills every silo of the current generation (a crash of the whole cluster); the next start is a new generation.</summary>
    public void KillAllSilos()
    {
        Parallel.ForEach(Silos, s => s.Kill());
        Silos.Clear();
    }

    /// <summary>A client connected through Redis membership (with a client certificate of the cluster's CA when it has one); dispose the host (after StopAsync) when done.</summary>
    /// <param name="beforeStart">Runs on the built client before it connects (an attacker's test rewrites it: <see cref="SenderForgery"/>).</param>
    public async Task<(IHost Host, IClusterClient Client)> ConnectAsync(Action<IHost>? beforeStart = null)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        var tls = Certificates?.Issue($"client-{Guid.NewGuid():N}", server: false) is { } files ? ClusterTls.Load(files.Certificate, files.Key, Certificates.AuthorityFile) : null;
        string redis = Redis.Password is null ? Redis.ConnectionString : $"{Redis.ConnectionString},password={Redis.Password}"; // in this process only
        builder.UseOrleansClient(c => c.AddRangeClient(new RangeClusterOptions { Redis = redis, Tls = tls }));
        var host = builder.Build();
        beforeStart?.Invoke(host);
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

    /// <summary>How many remembered log lines of every silo started (killed ones too) mention <paramref name="text"/>.</summary>
    public int SiloLogCount(string text) => _started.Sum(s => s.LinesAbout(text).Count());

    /// <summary>Every silo's remembered log lines that mention <paramref name="text"/>, each alone.</summary>
    public IEnumerable<string> SiloLogLines(string text) => _started.SelectMany(s => s.LinesAbout(text, withNext: false));

    public string SiloLogs() => string.Join(" || ", _started.Select(s => $"[{s.Id}] {s.Tail()}"));

    public void Dispose()
    {
        foreach (var silo in _started) silo.Dispose();
        Redis.Dispose();
        Azurite.Dispose();
        Directory.Delete(_secretFolder, recursive: true);
    }
}
