namespace RangeOrleans.Grains;

/// <summary>The grain storage provider the grains' durable state lives in (Redis, or memory in the embedded default).</summary>
public static class RangeStorage
{
    public const string Name = "range";
}
