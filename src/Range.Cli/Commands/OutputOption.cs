using System.CommandLine;

namespace RangeOrleans.Cli.Commands;

/// <summary>
/// <c>--output</c>: where a command writes (a file, or a destination folder or az:// prefix), the one name every
/// command uses. Older spellings of a command (<c>--out</c>, <c>--png</c>, ...) stay accepted as hidden aliases.
/// </summary>
public static class OutputOption
{
    public const string Name = "--output";

    /// <param name="helpName">The value's placeholder in help: DEST for a folder or az:// prefix, FILE.arrow, ...</param>
    public static Option<T> Create<T>(string helpName, string description, bool required, params string[] oldNames) =>
        new Option<T>(Name) { HelpName = helpName, Description = description, Required = required }.WithHiddenAliases(oldNames);
}
