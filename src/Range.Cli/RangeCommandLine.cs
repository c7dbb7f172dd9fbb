using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;
using RangeOrleans.Cli.Commands;
using RangeOrleans.Cli.Terminal;

namespace RangeOrleans.Cli;

/// <summary>The <c>range</c> command: one root, one file per subcommand.</summary>
public static class RangeCommandLine
{
    public static RootCommand Build()
    {
        var root = new RootCommand(
            "RangeOrleans: SatCLIP location embeddings and RANGE / RANGE+ retrieval-augmented embeddings for (lon, lat) points.\n" +
            "Points are (lon, lat) in degrees. Outputs are Arrow IPC files any Arrow reader opens.");
        root.Subcommands.Add(EmbedCommand.Create());
        root.Subcommands.Add(BenchCommand.Create());
        root.Subcommands.Add(MapCommand.Create());
        root.Subcommands.Add(SubmitCommand.Create());
        root.Subcommands.Add(SiloCommand.Create());
        root.Subcommands.Add(ApiCommand.Create());
        root.Subcommands.Add(StatusCommand.Create());
        root.Subcommands.Add(JobsCommand.Create());
        root.Subcommands.Add(CancelCommand.Create());
        root.Subcommands.Add(PretrainCommand.Create());
        root.Subcommands.Add(BankCommand.Create());
        root.Subcommands.Add(PipelineCommand.Create());
        root.Subcommands.Add(EvalCommand.Create());
        root.Subcommands.Add(RenderCommand.Create());
        root.Subcommands.Add(ExportCommand.Create());
        root.Subcommands.Add(LookupCommand.Create());
        root.Subcommands.Add(SimilarityCommand.Create());
        root.Subcommands.Add(ViewCommand.Create());
        root.Options.Add(new Option<bool>(VerboseOption)
        {
            Description = $"Show the runtime's warnings and a failure's stack trace on stderr (they always go to the log file, {CommandLog.EnvironmentVariable} or range.log in ~/.cache/range, $XDG_CACHE_HOME/range).",
            Recursive = true,
        });
        HiddenAliases.HideInHelp(root);
        // `range` alone: the help, and exit 1 (no command ran), instead of "Required command was not provided."
        var help = (SynchronousCommandLineAction)root.Options.OfType<HelpOption>().Single().Action!;
        root.SetAction(result =>
        {
            help.Invoke(result);
            return 1;
        });
        return root;
    }

    public const string VerboseOption = "--verbose";

    /// <summary>
    /// Parses and runs; a failure ends in one line on stderr and an exit code from <see cref="CliError"/>, never a stack
    /// trace (unless --verbose). SIGINT and SIGTERM stop the command (<see cref="Interruption"/>).
    /// </summary>
    public static int Run(string[] args, TextWriter? output = null, TextWriter? error = null)
    {
        var config = new InvocationConfiguration
        {
            EnableDefaultExceptionHandler = false,
            Output = output ?? Console.Out,
            Error = error ?? Console.Error,
        };
        var parsed = Build().Parse(args);
        CommandLog.Verbose = parsed.GetValue<bool>(VerboseOption);
        using var signals = Interruption.Listen(config.Error);
        try
        {
            // Before any TorchSharp call: bind to an installed PyTorch's libtorch when RANGE_LIBTORCH_DIR says so.
            Core.Native.ExternalLibTorch.Preload();
            return parsed.Invoke(config);
        }
        catch (Exception ex)
        {
            if (Interruption.IsRequested && ex is OperationCanceledException or AggregateException { InnerException: OperationCanceledException })
            {
                config.Error.WriteLine("error: interrupted; nothing partial was left (a rerun with the same options completes the work)");
                return CliError.Interrupted;
            }
            return CliError.Report(ex, config.Error, parsed.CommandResult.Command.Name);
        }
    }
}
