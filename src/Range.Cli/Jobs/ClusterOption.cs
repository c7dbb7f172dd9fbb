using System.CommandLine;
using RangeOrleans.Cli.Commands;
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
    /// Checks a job's local destination before anything connects or computes (ArgumentException: exit 2): it must not be
    /// a file (it becomes a folder), and with --cluster it must be absolute: the silos that write it may run in other
    /// folders or on other machines, so a path relative to this client's folder would land somewhere else.
    /// </summary>
    public static void CheckDestination(string? redis, string? destination, string option = OutputOption.Name)
    {
        if (destination is null || BlobStores.IsAzure(destination)) return;
        if (File.Exists(destination))
            throw new ArgumentException($"{option} '{destination}' is a file; give a folder (it gets the job's files), e.g. {destination}.d");
        if (redis is null || Path.IsPathFullyQualified(destination)) return;
        throw new ArgumentException($"{option} '{destination}': a relative path with --cluster (the silos may run in other folders or on other machines); " +
            $"give an absolute path every silo can reach (e.g. {Path.GetFullPath(destination)}) or az://CONTAINER/PREFIX");
    }
}
