using RangeOrleans.Abstractions;

namespace RangeOrleans.Grains.Registry;

/// <summary>
/// The registry's durable state before it was paged (<see cref="JobRegistryPage"/>): read once by a new registry, which moves
/// its jobs into pages and deletes it. Stored as JSON that names this type: do not rename it.
/// </summary>
[GenerateSerializer, Alias("range.JobRegistryState")]
public sealed class JobRegistryState
{
    [Id(0)] public Dictionary<string, JobSummary> Jobs { get; set; } = [];
}
