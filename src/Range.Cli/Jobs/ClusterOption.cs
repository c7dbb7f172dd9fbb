using System.CommandLine;

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
}
