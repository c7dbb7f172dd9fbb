using System.Diagnostics.Metrics;

namespace RangeOrleans.Grains.Jobs;

/// <summary>
/// The job grains' own telemetry (meter <see cref="MeterName"/>, readable by any .NET metrics listener or exporter):
/// how long each durable state write took, by kind of job. A coordinator whose writes grow with its shard table shows here first.
/// </summary>
public static class JobMetrics
{
    public const string MeterName = "RangeOrleans.Jobs";
    public const string StateWriteName = "range.job.state_write.duration";

    private static readonly Meter s_meter = new(MeterName);

    /// <summary>Milliseconds per state write, tagged <c>kind</c> (map, bank, pretrain).</summary>
    public static readonly Histogram<double> StateWrite = s_meter.CreateHistogram<double>(StateWriteName, "ms", "Duration of one durable state write of a job grain");
}
