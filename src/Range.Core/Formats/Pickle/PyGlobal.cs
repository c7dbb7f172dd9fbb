namespace RangeOrleans.Core.Formats.Pickle;

/// <summary>
/// An allow-listed Python global (class or function) as it appears on the unpickler stack. It is only
/// a name: nothing is resolved or run; REDUCE/NEWOBJ switch on <see cref="FullName"/> to build data.
/// </summary>
public sealed record PyGlobal(string Module, string Name)
{
    public string FullName => Module + "." + Name;

    public override string ToString() => FullName;
}
