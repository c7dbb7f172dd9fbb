namespace RangeOrleans.Hosting.Api;

/// <summary>A request the front end refuses: its HTTP status, the field at fault and why (answered as problem details).</summary>
public sealed class ApiRefusal(int status, string field, string detail, IDictionary<string, object?>? more = null) : Exception(detail)
{
    public int Status { get; } = status;
    public string Field { get; } = field;
    public IDictionary<string, object?>? More { get; } = more;
}
