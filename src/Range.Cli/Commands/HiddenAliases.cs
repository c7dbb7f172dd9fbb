using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;
using System.Runtime.CompilerServices;

namespace RangeOrleans.Cli.Commands;

/// <summary>
/// Old option spellings kept so that scripts written before the names were unified keep working
/// (<c>--out</c> and <c>--png</c> for <c>--output</c>, <c>--resolution</c> for <c>--grid</c>, ...):
/// they parse as aliases of the option, but help shows only its current name.
/// </summary>
public static class HiddenAliases
{
    private static readonly ConditionalWeakTable<Option, string[]> s_aliases = new();

    /// <summary>Accepts <paramref name="aliases"/> for this option without showing them in help.</summary>
    public static TOption WithHiddenAliases<TOption>(this TOption option, params string[] aliases) where TOption : Option
    {
        foreach (var alias in aliases) option.Aliases.Add(alias);
        s_aliases.AddOrUpdate(option, aliases);
        return option;
    }

    /// <summary>The hidden aliases of <paramref name="option"/> (empty for most options).</summary>
    public static IReadOnlyList<string> Of(Option option) => s_aliases.TryGetValue(option, out var aliases) ? aliases : [];

    /// <summary>Makes the help of <paramref name="root"/> and every subcommand leave the hidden aliases out.</summary>
    public static void HideInHelp(RootCommand root)
    {
        var help = root.Options.OfType<HelpOption>().Single();
        var options = AllOptions(root).Where(o => Of(o).Count > 0).Distinct().ToArray();
        help.Action = new HelpWithoutHiddenAliases((SynchronousCommandLineAction)help.Action!, options);
    }

    private static IEnumerable<Option> AllOptions(Command command) =>
        command.Options.Concat(command.Subcommands.SelectMany(AllOptions));

    /// <summary>The built-in help, run while the hidden aliases are taken off their options (help is the last thing a run does).</summary>
    private sealed class HelpWithoutHiddenAliases(SynchronousCommandLineAction help, Option[] options) : SynchronousCommandLineAction
    {
        public override bool ClearsParseErrors => help.ClearsParseErrors;

        public override int Invoke(ParseResult parseResult)
        {
            foreach (var option in options)
                foreach (var alias in Of(option)) option.Aliases.Remove(alias);
            try
            {
                return help.Invoke(parseResult);
            }
            finally
            {
                foreach (var option in options)
                    foreach (var alias in Of(option)) option.Aliases.Add(alias);
            }
        }
    }
}
