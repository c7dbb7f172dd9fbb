using Microsoft.Extensions.Configuration;
using Orleans.Configuration;

namespace RangeOrleans.Hosting;

/// <summary>
/// How patiently the silos of a Redis-clustered cluster judge each other (a subset of Orleans'
/// <see cref="ClusterMembershipOptions"/>). <see cref="Production"/>, the default, rides out a silo that is slow or
/// briefly starved of CPU (Orleans' own probe defaults); <see cref="Fast"/> declares a killed silo dead within about
/// 2 s, for tests only: under load it also declares healthy silos dead. docs/cluster.md has the measured figures.
/// </summary>
public sealed record MembershipSettings
{
    /// <summary>Environment variable naming the profile (<c>production</c> or <c>fast</c>) when <c>range silo --membership</c> is not given.</summary>
    public const string EnvironmentVariable = "RANGE_MEMBERSHIP";

    /// <summary>Configuration section (environment: <c>Membership__ProbeTimeout=00:00:08</c> ...) whose values override the profile's.</summary>
    public const string ConfigurationSection = "Membership";

    public required string Name { get; init; }

    /// <summary>A probe's first timeout; Orleans adapts it to observed response times, between half of it and <see cref="MaxProbeTimeout"/>.</summary>
    public required TimeSpan ProbeTimeout { get; init; }

    public required TimeSpan MaxProbeTimeout { get; init; }

    /// <summary>Probes in a row a silo must miss before a monitor votes it dead.</summary>
    public required int NumMissedProbesLimit { get; init; }

    /// <summary>Votes that declare a silo dead (Orleans needs at most half of the active silos, rounded up).</summary>
    public required int NumVotesForDeathDeclaration { get; init; }

    /// <summary>How often a silo rereads the membership table (gossip carries most changes sooner).</summary>
    public required TimeSpan TableRefreshTimeout { get; init; }

    /// <summary>Orleans' defaults for probes and votes: a silo is voted dead after 3 missed probes of 5 s (up to 20 s when slow) by 2 silos.</summary>
    public static MembershipSettings Production { get; } = new()
    {
        Name = "production",
        ProbeTimeout = TimeSpan.FromSeconds(5),
        MaxProbeTimeout = TimeSpan.FromSeconds(20),
        NumMissedProbesLimit = 3,
        NumVotesForDeathDeclaration = 2,
        TableRefreshTimeout = TimeSpan.FromSeconds(10),
    };

    /// <summary>Test settings: 2 missed probes of 1 s and one vote declare a silo dead.</summary>
    public static MembershipSettings Fast { get; } = new()
    {
        Name = "fast",
        ProbeTimeout = TimeSpan.FromSeconds(1),
        MaxProbeTimeout = TimeSpan.FromSeconds(1),
        NumMissedProbesLimit = 2,
        NumVotesForDeathDeclaration = 1,
        TableRefreshTimeout = TimeSpan.FromSeconds(2),
    };

    /// <summary>The profile named <paramref name="name"/>; null or empty: <see cref="EnvironmentVariable"/>, else <see cref="Production"/>.</summary>
    public static MembershipSettings Parse(string? name)
    {
        name = string.IsNullOrWhiteSpace(name) ? Environment.GetEnvironmentVariable(EnvironmentVariable) : name;
        return name?.Trim().ToLowerInvariant() switch
        {
            null or "" or "production" => Production,
            "fast" => Fast,
            _ => throw new ArgumentException($"--membership '{name}': expected production or fast (or set {EnvironmentVariable})"),
        };
    }

    /// <summary>Sets these values, then whatever <paramref name="configuration"/>'s <see cref="ConfigurationSection"/> gives.</summary>
    public void Apply(ClusterMembershipOptions options, IConfiguration? configuration)
    {
        options.ProbeTimeout = ProbeTimeout;
        options.MinProbeTimeout = ProbeTimeout / 2;
        options.MaxProbeTimeout = MaxProbeTimeout;
        options.NumMissedProbesLimit = NumMissedProbesLimit;
        options.NumVotesForDeathDeclaration = NumVotesForDeathDeclaration;
        options.TableRefreshTimeout = TableRefreshTimeout;
        configuration?.GetSection(ConfigurationSection).Bind(options);
    }
}
