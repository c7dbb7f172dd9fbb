using System.CommandLine;
using RangeOrleans.Storage;

namespace RangeOrleans.Cli.Jobs;

/// <summary>--cluster: the Redis connection string that holds the cluster's membership and job state.</summary>
public static class ClusterOption
{
    public static Option<string> Create(bool required) => new("--cluster")
    {
        Description = "Redis connection string of the cluster (e.g. localhost:6379). " +
            (required ? "" : "Without it, an in-process silo runs the job (the embedded default)."),
        Required = required,
    };

    /// <summary>
    /// With --cluster, a local destination must be absolute: the silos that write it may run in other folders or on other
    /// machines, so a path relative to this client's folder would land somewhere else (ArgumentException: exit 2).
    /// </summary>
    public static void RequireSharedDestination(string? redis, string? destination, string option = "--out")
    {
        if (redis is null || destination is null || BlobStores.IsAzure(destination) || Path.IsPathFullyQualified(destination)) return;
        throw new ArgumentException($"{option} '{destination}': a relative path with --cluster (the silos may run in other folders or on other machines); " +
            $"give an absolute path every silo can reach (e.g. {Path.GetFullPath(destination)}) or az://CONTAINER/PREFIX");
    }
}
