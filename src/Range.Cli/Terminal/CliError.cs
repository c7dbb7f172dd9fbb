using RangeOrleans.Core.Formats;

namespace RangeOrleans.Cli.Terminal;

/// <summary>Maps failures to one clear line and an exit code: 2 for bad input or usage, 1 for anything else.</summary>
public static class CliError
{
    public const int BadInput = 2;
    public const int Failure = 1;

    public static int Report(Exception ex, TextWriter error)
    {
        var inner = ex is AggregateException { InnerExceptions.Count: 1 } agg ? agg.InnerException! : ex;
        switch (inner)
        {
            case RangeFormatException or ArgumentException or FileNotFoundException or DirectoryNotFoundException or InvalidDataException:
                error.WriteLine($"error: {OneLine(inner.Message)}");
                return BadInput;
            case TypeInitializationException { TypeName: "TorchSharp.torch" } or DllNotFoundException:
                error.WriteLine("error: libtorch could not be loaded: " + FirstLine((inner.InnerException ?? inner).Message) +
                    $" (a build with -p:TorchBackend=external needs {Core.Native.ExternalLibTorch.EnvironmentVariable} set to a PyTorch installation's torch/lib folder)");
                return Failure;
            case OperationCanceledException:
                error.WriteLine("error: cancelled");
                return Failure;
            default:
                error.WriteLine($"error: {inner.GetType().Name}: {OneLine(inner.Message)}");
                return Failure;
        }
    }

    private static string OneLine(string message) => message.ReplaceLineEndings(" ").Trim();

    private static string FirstLine(string message) => message.Trim().Split('\n')[0].Trim();
}
