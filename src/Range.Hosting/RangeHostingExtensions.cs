using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using RangeOrleans.Grains;
using RangeOrleans.Grains.Jobs;
using RangeOrleans.Grains.Models;
using RangeOrleans.Grains.Storage;
using StackExchange.Redis;

namespace RangeOrleans.Hosting;

/// <summary>Wiring for <c>range silo</c>, the embedded default of <c>range map</c>, and the client commands.</summary>
public static class RangeHostingExtensions
{
    /// <summary>
    /// A silo that runs mapping jobs: the grains, a <see cref="ModelReplicaCache"/> and a blob-store factory
    /// as singletons, the job resumer, Redis membership and grain state when <see cref="RangeClusterOptions.Redis"/>
    /// is set (grain state in <see cref="RangeClusterOptions.StateRedis"/> when that is; else localhost clustering and in-memory state), mutual TLS when <see cref="RangeClusterOptions.Tls"/> is set, and <see cref="RangeClusterOptions.Membership"/>'s failure detection.
    /// Jobs touch only what <paramref name="roots"/> allows (default: anything, for a silo in the command's own process).
    /// </summary>
    public static ISiloBuilder AddRangeSilo(this ISiloBuilder silo, RangeClusterOptions cluster,
        Action<ModelReplicaOptions>? replicas = null, Action<CoordinatorOptions>? coordinator = null, AllowedRoots? roots = null)
    {
        silo.Services.AddSingleton<IBlobStoreFactory, BlobStoreFactory>();
        silo.Services.AddSingleton(roots ?? AllowedRoots.Unrestricted);
        silo.Services.AddSingleton<ModelReplicaCache>();
        silo.Services.AddSingleton<ArtifactHashCache>(); // embed requests' checkpoint and bank identities
        silo.Services.AddSingleton<Grains.Banks.BankEncoderCache>();
        silo.Services.AddSingleton<Grains.Shards.ComputeThreads>();
        silo.Services.AddSingleton<Grains.Maps.IShardRunner, Grains.Maps.ShardWork>();
        silo.Services.AddOptions<ModelReplicaOptions>().Configure(o => replicas?.Invoke(o));
        silo.Services.AddOptions<CoordinatorOptions>().Configure(o => coordinator?.Invoke(o));
        // Redis restarting (state writes, membership reads) is a failure jobs ride out, like a silo going away. The Redis
        // grain storage reports a failed write (the coordinator's shard-table pages go to it directly) as its own
        // exception, with the client's error only in the message, not as an InnerException.
        silo.Services.AddSingleton(cluster.Redis is null ? new TransientFailures()
            : new TransientFailures([typeof(RedisException), typeof(Orleans.Persistence.Redis.RedisStorageException)]));
        silo.AddStartupTask<JobResumer>();
        silo.Services.AddSingleton<JobResumer>();
        silo.Services.AddSingleton<ClusterCaller>();
        // The front door wants a silo's stamp on internal calls; a silo alone in its process has nobody to share a key with.
        var secret = cluster.Secret ?? (cluster.Redis is null ? ClusterSecret.Random() : null);
        if (secret is not null) silo.AddOutgoingGrainCallFilter(new SiloStampFilter(secret, TimeProvider.System));
        silo.Services.AddSingleton<IIncomingGrainCallFilter>(sp => new ClusterBoundaryFilter(
            sp.GetRequiredService<ClusterCaller>(), secret, TimeProvider.System, sp.GetRequiredService<ILogger<ClusterBoundaryFilter>>()));
        silo.Configure<ClusterOptions>(o => { o.ClusterId = cluster.ClusterId; o.ServiceId = cluster.ServiceId; });
        if (cluster.Redis is null)
        {
            silo.AddMemoryGrainStorage(RangeStorage.Name);
            return silo.UsePrivateEndpoints(cluster.SiloPort == 0 ? FreePort.Next() : cluster.SiloPort);
        }
        var redis = RedisConnection.Parse(cluster.Redis, cluster.Tls);
        silo.UseRedisClustering(o => o.ConfigurationOptions = redis);
        var stateRedis = cluster.StateRedis is null ? redis : RedisConnection.Parse(cluster.StateRedis, cluster.Tls, "--state-redis");
        silo.AddRedisGrainStorage(RangeStorage.Name, o =>
        {
            o.ConfigurationOptions = stateRedis;
            o.DeleteStateOnClear = true; // a retired job's keys go away (by default a clear leaves a key behind)
        });
        if (cluster.Tls is not null) silo.UseRangeTls(cluster.Tls);
        // TLS keeps clients out of the silo port, but through a gateway only the secret tells a silo's call from a client's.
        if (cluster.Tls is not null && secret is null)
            throw new ArgumentException($"a silo with TLS needs the cluster's secret: give --cluster-secret-file (or {ClusterSecret.FileVariable}), " +
                "the same file on every silo and on no client (scripts/make-certs.sh makes cluster-secret; docs/security.md)");
        int siloPort = cluster.SiloPort == 0 ? FreePort.Next() : cluster.SiloPort;
        int gatewayPort = cluster.GatewayPort == 0 ? FreePort.Next() : cluster.GatewayPort;
        if (cluster.AdvertisedHost is null) silo.ConfigureEndpoints(IPAddress.Loopback, siloPort, gatewayPort);
        else silo.ConfigureEndpoints(cluster.AdvertisedHost, siloPort, gatewayPort, listenOnAnyHostAddress: true);
        // Probes and votes: production patience by default, fast detection only where a test or operator asks for it
        // (MembershipSettings; overridable from configuration, e.g. Membership__ProbeTimeout in the environment).
        silo.Configure<ClusterMembershipOptions>(o =>
        {
            cluster.Membership.Apply(o, silo.Configuration);
            // After a restart of the whole cluster the table still lists the old silos as active, and a joining
            // silo waits for every silo whose heartbeat is fresh: heartbeats every 5 s, stale after 10 s
            // (defaults: 30 s, 60 s) let new silos join within seconds of the old ones dying.
            o.IAmAliveTablePublishTimeout = TimeSpan.FromSeconds(5);
            o.NumMissedTableIAmAliveLimit = 2;
        });
        return silo;
    }

    /// <summary>A client of a Redis-clustered cluster (range submit / status / jobs / cancel), over mutual TLS when <see cref="RangeClusterOptions.Tls"/> is set.</summary>
    public static IClientBuilder AddRangeClient(this IClientBuilder client, RangeClusterOptions cluster)
    {
        if (cluster.Redis is null) throw new ArgumentException("--cluster: a Redis connection string is needed to reach a cluster");
        client.Configure<ClusterOptions>(o => { o.ClusterId = cluster.ClusterId; o.ServiceId = cluster.ServiceId; });
        var redis = RedisConnection.Parse(cluster.Redis, cluster.Tls);
        client.UseRedisClustering(o => o.ConfigurationOptions = redis);
        if (cluster.Tls is not null) client.UseRangeTls(cluster.Tls);
        return client;
    }

    /// <summary>Orleans and Polly log a lot at Information; keep warnings and errors only.</summary>
    public static ILoggingBuilder AddRangeLogFilters(this ILoggingBuilder logging)
    {
        logging.AddFilter("Polly", LogLevel.Warning);
        logging.AddFilter("Orleans", LogLevel.Warning);
        logging.AddFilter("Microsoft", LogLevel.Warning);
        return logging;
    }
}
