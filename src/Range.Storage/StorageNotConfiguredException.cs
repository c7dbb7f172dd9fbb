namespace RangeOrleans.Storage;

/// <summary>
/// An az:// location on a process that has no (valid) storage connection string: a matter of that process's
/// configuration, not of the location, so another process (a silo set up right) can open it.
/// </summary>
public sealed class StorageNotConfiguredException(string message, string paramName) : ArgumentException(message, paramName);
