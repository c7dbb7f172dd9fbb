namespace RangeOrleans.Cluster.Tests;

/// <summary>A test that plays another local user (<see cref="OtherLocalUser"/>): skipped, with the reason, where this process cannot.</summary>
public sealed class SecondLocalUserFactAttribute : FactAttribute
{
    public SecondLocalUserFactAttribute()
    {
        if (OtherLocalUser.Unavailable is { } why) Skip = why;
    }
}
