namespace RangeOrleans.Core.Formats.Pickle;

/// <summary>
/// A pickle named a Python global outside the allow-list (or tried to call something that is not a
/// known constructor). Raised as soon as the name is read, before anything is built from it: a pickle
/// can name any function, so loading one safely means refusing every name we do not understand.
/// </summary>
public sealed class UnsafePickleException : RangeFormatException
{
    public UnsafePickleException(string source, string detail)
        : base(source, detail)
    {
    }
}
