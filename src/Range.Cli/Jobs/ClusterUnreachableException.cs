namespace RangeOrleans.Cli.Jobs;

/// <summary>The cluster named by --cluster cannot be reached: its Redis does not answer, or no silo of it does (exit code 3).</summary>
public sealed class ClusterUnreachableException(string message, Exception? inner = null) : Exception(message, inner);
