using System.CommandLine;
using Microsoft.Extensions.Hosting;
using RangeOrleans.Cli.Jobs;
using RangeOrleans.Grains.Models;
using RangeOrleans.Grains.Storage;
using RangeOrleans.Hosting;

namespace RangeOrleans.Cli.Commands;

/// <summary><c>range silo</c>: a cluster member that runs job coordinators and shards, until Ctrl+C or SIGTERM.</summary>
public static class SiloCommand
{
    public const string StateRedisVariable = "RANGE_STATE_REDIS";

    public static Command Create()
    {
        var cluster = new ClusterOption(required: true);
        var device = new Option<string>("--device") { Description = "cpu, cuda or cuda:<index>: where this silo computes.", DefaultValueFactory = _ => "cpu" };
        var slots = new Option<int>("--max-concurrent-shards") { Description = "Shards this silo computes at once.", DefaultValueFactory = _ => 2 };
        var siloPort = new Option<int>("--silo-port") { Description = "Silo-to-silo port (0: a free one).", DefaultValueFactory = _ => 0 };
        var gatewayPort = new Option<int>("--gateway-port") { Description = "Client gateway port (0: a free one).", DefaultValueFactory = _ => 0 };
        var advertise = new Option<string?>("--advertise") { Description = "Host name or IP other silos and clients reach this silo at (default 127.0.0.1: one machine)." };
        var cache = new Option<string?>("--model-cache") { Description = "Folder for checkpoints and banks read from blob storage (default: ~/.cache/range/models, or $XDG_CACHE_HOME/range/models)." };
        var membership = new Option<string?>("--membership")
        {
            Description = $"Failure detection: production (default; a slow silo is not declared dead, a killed one in about 15 s) or fast (about 2 s, for tests; " +
                $"declares loaded silos dead). Default from {MembershipSettings.EnvironmentVariable}; single values from Membership__ProbeTimeout etc. (docs/cluster.md).",
        };
        var health = new Option<int?>("--health-port")
        {
            Description = "Serve GET /healthz (200 while the process serves) and /readyz (200 once the silo has joined the cluster and its model cache " +
                          "can be written; else 503 and why) on this port, for Kubernetes probes and compose healthchecks.",
        };
        var healthHost = new Option<string>("--health-host")
        {
            Description = "Address the health endpoint listens on: 127.0.0.1 (this machine, e.g. a compose healthcheck) or 0.0.0.0 (every interface, e.g. Kubernetes probes).",
            DefaultValueFactory = _ => "127.0.0.1",
        };
        var dataRoots = new Option<string[]>("--data-root")
        {
            Description = $"A folder jobs may read and write under (repeatable; also {AllowedRoots.DataRootsVariable}, ':'-separated). " +
                "None given: jobs may name no local path. Give / to allow every path this silo's user can reach.",
        };
        var containers = new Option<string[]>("--allow-container")
        {
            Description = $"An Azure container (of AZURE_STORAGE_CONNECTION_STRING's account) jobs may use, or * for all (repeatable; also {AllowedRoots.ContainersVariable}, ','-separated). None given: none.",
        };
        var dashboardPort = new Option<int?>("--dashboard-port")
        {
            Description = "Serve the Orleans dashboard (/) and the jobs page (/jobs) on this port (default: none).",
        };
        var dashboardHost = new Option<string>("--dashboard-host")
        {
            Description = $"Address the dashboard listens on; other than loopback it needs {DashboardSettings.PasswordVariable} (basic auth, user '{DashboardSettings.User}').",
            DefaultValueFactory = _ => "127.0.0.1",
        };
        var retention = DurationOption.Create("--job-retention",
            "How long finished jobs (completed, failed, cancelled) are kept: then their state is deleted from Redis and `range jobs` no longer lists them " +
            "(their output stays). An age such as 7d (default), 12h or 30m.", new Grains.Jobs.CoordinatorOptions().JobRetention);
        var secret = new Option<string?>("--cluster-secret-file")
        {
            Description = $"File holding the key only the silos of the cluster share (at least {ClusterSecret.MinimumBytes} random bytes; default {ClusterSecret.FileVariable}): " +
                "silos stamp their internal calls with it, so no client can pass for a silo. Needed with TLS; never give it to a client (docs/security.md).",
        };
        var stateRedis = new Option<string?>("--state-redis")
        {
            Description = $"A second Redis (HOST:PORT, as --cluster; the same password and TLS) for job state, so that jobs filling it cannot stop membership " +
                $"(default {StateRedisVariable}; none: --cluster's Redis holds both). Every silo of a cluster must give the same one.",
            DefaultValueFactory = _ => Environment.GetEnvironmentVariable(StateRedisVariable) is { Length: > 0 } value ? value : null,
        };
        var command = new Command("silo", "Run a silo of a Redis-clustered mapping cluster until stopped (Ctrl+C / SIGTERM).");
        foreach (var option in new Option[] { device, slots, siloPort, gatewayPort, advertise, cache, membership, health, healthHost, dataRoots, containers, dashboardPort, dashboardHost, retention, secret, stateRedis }) command.Options.Add(option);
        cluster.AddTo(command);
        command.SetAction(result =>
        {
            int maxShards = result.GetValue(slots);
            if (result.GetValue(health) is { } healthPort && healthPort is < 1 or > 65535) throw new ArgumentException($"--health-port must be 1 to 65535, got {healthPort}");
            if (!System.Net.IPAddress.TryParse(result.GetValue(healthHost), out _)) throw new ArgumentException($"--health-host '{result.GetValue(healthHost)}': expected an IP address such as 127.0.0.1 or 0.0.0.0");
            if (maxShards < 1) throw new ArgumentException($"--max-concurrent-shards must be at least 1, got {maxShards}");
            Core.Embedding.ComputeDevice.Parse(result.GetValue(device)!);
            var replicas = new ModelReplicaOptions { Device = result.GetValue(device)!, MaxConcurrentShards = maxShards };
            if (result.GetValue(cache) is { } folder) replicas.CacheFolder = Path.GetFullPath(folder);
            var options = cluster.Read(result)! with
            {
                SiloPort = result.GetValue(siloPort),
                GatewayPort = result.GetValue(gatewayPort),
                AdvertisedHost = result.GetValue(advertise),
                Membership = MembershipSettings.Parse(result.GetValue(membership)),
                Secret = ClusterSecret.Load(result.GetValue(secret)),
                StateRedis = result.GetValue(stateRedis),
            };
            var (envFolders, envContainers) = AllowedRoots.FromEnvironment();
            var roots = AllowedRoots.Of([.. result.GetValue(dataRoots) ?? [], .. envFolders], [.. result.GetValue(containers) ?? [], .. envContainers]);
            var dashboard = result.GetValue(dashboardPort) is { } port
                ? new DashboardSettings { Port = port, Host = result.GetValue(dashboardHost)!, Password = Environment.GetEnvironmentVariable(DashboardSettings.PasswordVariable) }
                : null;
            dashboard?.Validate();
            using var host = ClusterHosts.Silo(options, replicas, roots, new Grains.Jobs.CoordinatorOptions { ShardsInFlightPerSilo = maxShards, JobRetention = result.GetValue(retention) }, dashboard, result.GetValue(health), result.GetValue(healthHost)!);
            if (options.Tls is null)
                result.InvocationConfiguration.Error.WriteLine($"TLS is off: silo-to-silo and client connections are plain TCP that anyone reaching the ports can use " +
                    $"(--tls-cert, --tls-key, --tls-ca or {ClusterTls.CertificateVariable}... turn mutual TLS on; docs/security.md)");
            if (options.Secret is null)
                result.InvocationConfiguration.Error.WriteLine($"cluster secret is off: the silos trust the sender id a call carries, which a client can forge " +
                    $"(--cluster-secret-file or {ClusterSecret.FileVariable}, the same file on every silo, turns stamped calls on; docs/security.md)");
            host.Start();
            string served = dashboard is null ? "" : $"; dashboard http://{(dashboard.Address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{dashboard.Host}]" : dashboard.Host)}:{dashboard.Port}/ and /jobs{(dashboard.Password is null ? "" : " (password)")}";
            result.InvocationConfiguration.Output.WriteLine($"silo started (pid {Environment.ProcessId}, device {replicas.Device}, {maxShards} concurrent shards{(options.Tls is null ? "" : ", mutual TLS")}; jobs may use: {roots.Describe()}{served})");
            host.WaitForShutdown();
            return 0;
        });
        return command;
    }
}
