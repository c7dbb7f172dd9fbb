using RangeOrleans.Abstractions;

namespace RangeOrleans.Grains.Registry;

/// <summary>
/// The registry's jobs whose id falls in one page (<see cref="JobRegistryGrain"/>), stored as a grain state of its own.
/// Stored as JSON that names this type: do not rename it.
/// </summary>
[GenerateSerializer, Alias("range.JobRegistryPage")]
public sealed class JobRegistryPage
{
    [Id(0)] public Dictionary<string, JobSummary> Jobs { get; set; } = [];
}
