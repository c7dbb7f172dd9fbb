using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using RangeOrleans.Grains.Jobs;
using RangeOrleans.Grains.Models;
using RangeOrleans.Hosting;

namespace RangeOrleans.Cli.Jobs;

/// <summary>The hosts the CLI starts: an in-process silo (embedded default), a client of a Redis cluster, or a silo.</summary>
public static class ClusterHosts
{
    /// <summary>Starts a silo in this process (localhost clustering, in-memory state) and returns it with its client.</summary>
    public static async Task<(IHost Host, IClusterClient Client)> StartEmbeddedAsync(string device, CancellationToken cancellationToken)
    {
        var builder = Host.CreateApplicationBuilder();
        Quiet(builder.Logging);
        builder.UseOrleans(silo => silo.AddRangeSilo(new RangeClusterOptions(), r => r.Device = device));
        var host = builder.Build();
        await host.StartAsync(cancellationToken);
        return (host, host.Services.GetRequiredService<IClusterClient>());
    }

    /// <summary>Connects a client to the cluster whose membership is in <paramref name="redis"/>.</summary>
    public static async Task<(IHost Host, IClusterClient Client)> ConnectAsync(string redis, CancellationToken cancellationToken)
    {
        var builder = Host.CreateApplicationBuilder();
        Quiet(builder.Logging);
        builder.UseOrleansClient(client => client.AddRangeClient(new RangeClusterOptions { Redis = redis }));
        var host = builder.Build();
        await host.StartAsync(cancellationToken);
        return (host, host.Services.GetRequiredService<IClusterClient>());
    }

    /// <summary>
    /// Runs <paramref name="work"/> with a client of the cluster whose membership is in <paramref name="redis"/>, or of
    /// an in-process silo computing on <paramref name="device"/> when it is null; stops the host after.
    /// </summary>
    public static async Task<T> WithClientAsync<T>(string? redis, string device, Func<IClusterClient, Task<T>> work)
    {
        var (host, client) = redis is null
            ? await StartEmbeddedAsync(device, CancellationToken.None)
            : await ConnectAsync(redis, CancellationToken.None);
        try
        {
            return await work(client);
        }
        finally
        {
            await host.StopAsync();
            host.Dispose();
        }
    }

    /// <summary>A silo host for <c>range silo</c> (runs until stopped).</summary>
    public static IHost Silo(RangeClusterOptions cluster, ModelReplicaOptions replicas, CoordinatorOptions? coordinator = null)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.AddRangeLogFilters();
        builder.UseOrleans(silo => silo.AddRangeSilo(cluster,
            r => { r.Device = replicas.Device; r.MaxConcurrentShards = replicas.MaxConcurrentShards; r.CacheFolder = replicas.CacheFolder; },
            c =>
            {
                if (coordinator is null) return;
                c.ShardsInFlightPerSilo = coordinator.ShardsInFlightPerSilo;
            }));
        return builder.Build();
    }

    // A command's own output is the progress and the result; only warnings and errors from the runtime go to stderr.
    private static void Quiet(ILoggingBuilder logging)
    {
        logging.ClearProviders();
        logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        logging.SetMinimumLevel(LogLevel.Warning);
        logging.AddRangeLogFilters();
        // Start-up notes of an in-process silo that are not the user's concern: the ServerGC recommendation (a command
        // runs with the workstation GC on purpose, for a smaller footprint) and the watchdog's first check, which
        // reports the time since the machine booted as a stall.
        logging.AddFilter("Orleans.Runtime.Silo", LogLevel.Error);
        logging.AddFilter("Orleans.Runtime.Watchdog", LogLevel.Error);
    }
}
