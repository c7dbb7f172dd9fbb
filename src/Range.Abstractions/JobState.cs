namespace RangeOrleans.Abstractions;

/// <summary>Lifecycle of a job. Completed, Failed and Cancelled are final.</summary>
public enum JobState
{
    /// <summary>No job was submitted under this id.</summary>
    Unknown,

    /// <summary>Computing identities and the shard table (and, for files, writing shard point files).</summary>
    Preparing,

    Running,
    Completed,
    Failed,
    Cancelled,
}
