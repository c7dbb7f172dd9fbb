using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using RangeOrleans.Abstractions;
using RangeOrleans.Grains.Jobs;
using RangeOrleans.Grains.Models;
using RangeOrleans.Grains.Storage;
using RangeOrleans.Cli.Terminal;
using RangeOrleans.Hosting;

namespace RangeOrleans.Cli.Jobs;

/// <summary>The hosts the CLI starts: an in-process silo (embedded default), a client of a Redis cluster, or a silo.</summary>
public static class ClusterHosts
{
    /// <summary>Starts a silo in this process (localhost clustering, in-memory state) and returns it with its client.</summary>
    public static async Task<(IHost Host, IClusterClient Client)> StartEmbeddedAsync(string device, CancellationToken cancellationToken)
    {
        var builder = Host.CreateApplicationBuilder();
        Quiet(builder);
        builder.UseOrleans(silo => silo.AddRangeSilo(new RangeClusterOptions(), r => r.Device = device));
        var host = builder.Build();
        await host.StartAsync(cancellationToken);
        return (host, host.Services.GetRequiredService<IClusterClient>());
    }

    /// <summary>How long a client waits for the cluster's Redis and one of its silos before it gives up (exit 3), when no silo is alive.</summary>
    public static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(20);

    /// <summary>How long a client waits in all when silos are registered active and accept connections but are slow to answer.</summary>
    public static readonly TimeSpan DefaultPatience = TimeSpan.FromSeconds(120);

    /// <summary>Overrides <see cref="DefaultPatience"/>: seconds.</summary>
    public const string PatienceVariable = "RANGE_CONNECT_TIMEOUT";

    /// <summary>
    /// Connects a client to <paramref name="cluster"/> (its membership in Redis, over mutual TLS when it has certificates).
    /// When no silo has answered within <see cref="ConnectTimeout"/>, the membership table decides: silos registered active
    /// whose gateway port accepts connections but does not answer are alive but busy or stalled, so the client says so on
    /// stderr and waits for them up to <see cref="PatienceVariable"/> (default <see cref="DefaultPatience"/>); with none
    /// (killed, gone, or answering but refusing this client, as a TLS handshake does), it gives up at once.
    /// <see cref="ClusterUnreachableException"/> when it gives up. Redis refusing this client's credentials is not caught
    /// here (<see cref="CliError"/>: exit 2).
    /// </summary>
    public static async Task<(IHost Host, IClusterClient Client)> ConnectAsync(RangeClusterOptions cluster, CancellationToken cancellationToken)
    {
        var builder = Host.CreateApplicationBuilder();
        Quiet(builder);
        builder.UseOrleansClient(client => client.AddRangeClient(cluster));
        var host = builder.Build();
        string redis = RedisConnection.Display(cluster.Redis!);
        if (cluster.Tls is null)
            host.Services.GetRequiredService<ILoggerFactory>().CreateLogger("range").LogWarning(
                "TLS is off: this client talks to the cluster at {Cluster} in plain TCP (--tls-cert, --tls-key, --tls-ca or RANGE_TLS_* turn it on; docs/security.md)", redis);
        var patience = Patience();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(patience);
        bool waitedForLiveSilos = false;
        try
        {
            var starting = host.StartAsync(timeout.Token);
            if (await Task.WhenAny(starting, Task.Delay(ConnectTimeout, timeout.Token)) != starting && patience > ConnectTimeout)
            {
                int alive = await LiveSilosAsync(host);
                if (alive == 0) await timeout.CancelAsync();
                else
                {
                    waitedForLiveSilos = true;
                    Console.Error.WriteLine($"range: no silo of the cluster at {redis} answered within {ConnectTimeout.TotalSeconds:0} s, but {alive} " +
                        $"registered active accept connections without answering (busy or stalled?); waiting for them up to {patience.TotalSeconds:0} s in all ({PatienceVariable})");
                }
            }
            await starting.WaitAsync(timeout.Token);
            return (host, host.Services.GetRequiredService<IClusterClient>());
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested && !CliError.IsRefused(e) && (e is OperationCanceledException || CliError.IsUnreachable(e)))
        {
            host.Dispose();
            // A TLS handshake either side refuses looks like silos that do not answer: say what to check.
            string tls = cluster.Tls is null
                ? "; if its silos use TLS, give this client a certificate from their CA (--tls-cert, --tls-key, --tls-ca; docs/security.md)"
                : "; TLS is on: check that --tls-ca is the CA that signed the silos' certificates and this client's";
            var waited = waitedForLiveSilos || patience < ConnectTimeout ? patience : ConnectTimeout;
            throw new ClusterUnreachableException(e is OperationCanceledException
                ? $"no silo of the cluster at {redis} answered within {waited.TotalSeconds:0} s; start one with `range silo --cluster {redis}`{tls}"
                : $"cannot reach the cluster at {redis} ({CliError.Reason(e)}); check that Redis runs there and a `range silo --cluster {redis}` has joined{tls}", e);
        }
    }

    /// <summary>The patience <see cref="PatienceVariable"/> sets (ArgumentException for a value that is not a positive number of seconds).</summary>
    private static TimeSpan Patience()
    {
        var text = Environment.GetEnvironmentVariable(PatienceVariable);
        if (string.IsNullOrWhiteSpace(text)) return DefaultPatience;
        if (!double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var seconds) || !(seconds > 0) || seconds > 86_400)
            throw new ArgumentException($"{PatienceVariable}='{text}': expected seconds, a number from 1 to 86400");
        return TimeSpan.FromSeconds(seconds);
    }

    /// <summary>
    /// How many silos the membership table lists active (the client's gateway list) are alive but not answering: their
    /// gateway port accepts a TCP connection, and a few bytes that are no valid handshake get neither an answer nor a
    /// close within a moment. A killed silo refuses the connection, a lost machine does not accept it, and a running
    /// silo that refuses this client (a TLS handshake it rejects) closes it: none of those is worth waiting for.
    /// </summary>
    private static async Task<int> LiveSilosAsync(IHost host)
    {
        try
        {
            var gateways = await host.Services.GetRequiredService<Orleans.Messaging.IGatewayListProvider>().GetGatewaysAsync(CancellationToken.None)
                .WaitAsync(TimeSpan.FromSeconds(5));
            var silent = await Task.WhenAll(gateways.Select(async gateway =>
            {
                using var tcp = new System.Net.Sockets.TcpClient();
                try
                {
                    await tcp.ConnectAsync(gateway.Host, gateway.Port).WaitAsync(TimeSpan.FromSeconds(2));
                    var stream = tcp.GetStream();
                    await stream.WriteAsync(new byte[16]);
                    await stream.ReadAsync(new byte[64]).AsTask().WaitAsync(TimeSpan.FromSeconds(2));
                    return false; // it answered or closed: it runs, and refuses this client
                }
                catch (TimeoutException) { return tcp.Connected; } // accepted, and silent: busy or stalled
                catch (Exception e) when (e is System.Net.Sockets.SocketException or IOException) { return false; }
            }));
            return silent.Count(s => s);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return 0; // the table cannot be read: nothing says a silo is alive
        }
    }

    /// <summary>
    /// Runs <paramref name="work"/> (which submits and follows <paramref name="job"/>) with a client of
    /// <paramref name="cluster"/>, or of an in-process silo computing on <paramref name="device"/> when it is null; stops the host after. On SIGINT or SIGTERM (<see cref="Interruption"/>) the job is cancelled, its
    /// clean-up (temporary blobs, unfinished shards) waited for, and OperationCanceledException thrown.
    /// </summary>
    public static async Task<T> WithClientAsync<T>(RangeClusterOptions? cluster, string device, JobSummary job, Func<IClusterClient, Task<T>> work)
    {
        var (host, client) = cluster is null
            ? await StartEmbeddedAsync(device, Interruption.Token)
            : await ConnectAsync(cluster, Interruption.Token);
        try
        {
            var running = work(client);
            var interrupted = Task.Delay(Timeout.Infinite, Interruption.Token);
            if (await Task.WhenAny(running, interrupted) == running) return await running;
            await CancelAsync(client, job);
            throw new OperationCanceledException(Interruption.Token);
        }
        finally
        {
            using var stopping = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await host.StopAsync(stopping.Token);
            host.Dispose();
        }
    }

    /// <summary>The registry's view of a job this command submits (what <see cref="WithClientAsync"/> cancels on a signal).</summary>
    public static JobSummary Job(string jobId, string destination, JobKind kind) =>
        new() { JobId = jobId, Destination = destination, SubmittedAt = DateTimeOffset.UtcNow, Kind = kind };

    // Cancels the job and waits (within the interruption's grace period) until it has stopped its shards and removed what they left.
    private static async Task CancelAsync(IClusterClient client, JobSummary job)
    {
        var deadline = DateTime.UtcNow + Interruption.GracePeriod - TimeSpan.FromSeconds(3);
        try
        {
            var view = await ClusterJobs.CancelAsync(client, job);
            while ((!view.IsFinal || view.CleaningUp) && DateTime.UtcNow < deadline)
            {
                await Task.Delay(200);
                view = await ClusterJobs.StatusAsync(client, job);
            }
        }
        catch (Exception e) when (CliError.IsUnreachable(e)) { } // the job's clean-up resumes with the cluster
    }

    /// <summary>
    /// A silo host for <c>range silo</c> (runs until stopped), with its health endpoint on <paramref name="healthHost"/>:<paramref name="healthPort"/> if given;
    /// with <paramref name="dashboard"/> it also serves the Orleans dashboard and the jobs page (<see cref="SiloDashboard"/>).
    /// </summary>
    public static IHost Silo(RangeClusterOptions cluster, ModelReplicaOptions replicas, AllowedRoots roots, CoordinatorOptions? coordinator = null,
        DashboardSettings? dashboard = null, int? healthPort = null, string healthHost = "127.0.0.1")
    {
        void Configure(IHostApplicationBuilder builder)
        {
            builder.Logging.AddRangeSiloConsole();
            // Before the silo's own hosted service: liveness answers while the silo joins.
            if (healthPort is { } port) builder.Services.AddHostedService(services => ActivatorUtilities.CreateInstance<SiloHealthEndpoint>(services, healthHost, port));
            builder.UseOrleans(silo => silo.AddRangeSilo(cluster,
                r => { r.Device = replicas.Device; r.MaxConcurrentShards = replicas.MaxConcurrentShards; r.CacheFolder = replicas.CacheFolder; },
                c =>
                {
                    if (coordinator is null) return;
                    c.ShardsInFlightPerSilo = coordinator.ShardsInFlightPerSilo;
                    c.JobRetention = coordinator.JobRetention;
                }, roots).AddRangeDashboard());
        }
        if (dashboard is not null) return SiloDashboard.Build(dashboard, Configure);
        var builder = Host.CreateApplicationBuilder();
        Configure(builder);
        return builder.Build();
    }

    // A command's own output is the progress and the result; the runtime's warnings and errors go to the log file
    // (and stderr with --verbose).
    private static void Quiet(HostApplicationBuilder builder)
    {
        // The command handles SIGINT and SIGTERM itself (Interruption), not the host's console lifetime.
        builder.Services.AddSingleton<IHostLifetime, CommandLifetime>();
        var logging = builder.Logging;
        logging.AddCommandLog();
        // Start-up notes of an in-process silo that are not the user's concern: the ServerGC recommendation (a command
        // runs with the workstation GC on purpose, for a smaller footprint) and the watchdog's first check, which
        // reports the time since the machine booted as a stall.
        logging.AddFilter("Orleans.Runtime.Silo", LogLevel.Error);
        logging.AddFilter("Orleans.Runtime.Watchdog", LogLevel.Error);
    }

    private sealed class CommandLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
