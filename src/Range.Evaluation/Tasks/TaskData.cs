namespace RangeOrleans.Evaluation.Tasks;

/// <summary>Points (degrees) with one target each; class targets are class numbers. Split is set only by tasks that define their own.</summary>
public sealed record TaskData(double[] Lon, double[] Lat, double[] Targets, TaskSplit? Split = null)
{
    public int Count => Lon.Length;

    public static TaskData Create(double[] lon, double[] lat, double[] targets, TaskSplit? split = null)
    {
        if (lat.Length != lon.Length || targets.Length != lon.Length)
            throw new ArgumentException($"task data: {lon.Length} longitudes, {lat.Length} latitudes, {targets.Length} targets");
        if (lon.Length == 0) throw new ArgumentException("task data: no points");
        split?.Check(lon.Length);
        return new TaskData(lon, lat, targets, split);
    }
}
