namespace RangeOrleans.Hosting;

/// <summary>How a silo or client finds its cluster.</summary>
public sealed record RangeClusterOptions
{
    public const string DefaultClusterId = "range";
    public const string DefaultServiceId = "range";

    /// <summary>StackExchange.Redis connection string for membership and grain state; null: localhost clustering, in-memory state (one process).</summary>
    public string? Redis { get; init; }

    /// <summary>
    /// A second Redis for grain state (jobs, their shard tables, the registry) apart from membership (silos only); null:
    /// <see cref="Redis"/> holds both. Apart, job state that fills its Redis cannot stop the silos' heartbeats.
    /// </summary>
    public string? StateRedis { get; init; }

    public string ClusterId { get; init; } = DefaultClusterId;
    public string ServiceId { get; init; } = DefaultServiceId;

    /// <summary>Silo-to-silo port; 0 picks a free one (several silos on one machine).</summary>
    public int SiloPort { get; init; }

    /// <summary>Client gateway port; 0 picks a free one.</summary>
    public int GatewayPort { get; init; }

    /// <summary>Mutual TLS on silo-to-silo and client-to-gateway connections (and to Redis with ssl=true); null: plain TCP.</summary>
    public ClusterTls? Tls { get; init; }

    /// <summary>
    /// The key only the silos hold, with which they stamp their internal calls (<see cref="ClusterSecret"/>); silos only.
    /// Null: a silo without Redis makes a random one (it is alone); one with Redis checks only the caller's id.
    /// </summary>
    public ClusterSecret? Secret { get; init; }

    /// <summary>Address other silos and clients reach this silo at (a host name or IP); null: 127.0.0.1 (a single machine).</summary>
    public string? AdvertisedHost { get; init; }

    /// <summary>How patiently silos judge each other: <see cref="MembershipSettings.Production"/> unless a test asks for <see cref="MembershipSettings.Fast"/>.</summary>
    public MembershipSettings Membership { get; init; } = MembershipSettings.Production;
}
