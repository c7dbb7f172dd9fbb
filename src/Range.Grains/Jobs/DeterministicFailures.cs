using RangeOrleans.Core.Formats;
using RangeOrleans.Training.Training;

namespace RangeOrleans.Grains.Jobs;

/// <summary>
/// Failures that a retry on any silo would repeat: bad input or model files, non-finite values, training that
/// diverged. A job fails at once on the first of them, naming it, instead of retrying it as if a silo had died.
/// </summary>
public static class DeterministicFailures
{
    public static bool IsDeterministic(Exception e) =>
        e is RangeFormatException or ArgumentException or FileNotFoundException or DirectoryNotFoundException or InvalidDataException
            or TrainingDivergedException;
}
