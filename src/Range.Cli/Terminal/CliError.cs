using Orleans.Runtime;
using Orleans.Runtime.Messaging;
using RangeOrleans.Cli.Jobs;
using RangeOrleans.Core.Formats;
using RangeOrleans.Hosting;
using StackExchange.Redis;

namespace RangeOrleans.Cli.Terminal;

/// <summary>
/// Maps failures to one line on stderr and an exit code (docs/cluster.md lists them): 2 for bad input or usage, 3 when
/// the cluster cannot be reached, 1 for anything else (a job that failed included). The stack trace goes to the
/// <see cref="CommandLog"/> file, and to stderr with --verbose, never to the terminal by default.
/// </summary>
public static class CliError
{
    public const int Failure = 1;
    public const int BadInput = 2;
    public const int ClusterUnreachable = 3;

    /// <summary>Stopped by SIGINT or SIGTERM (128 + SIGINT, as shells report it).</summary>
    public const int Interrupted = 130;

    public static int Report(Exception ex, TextWriter error, string command = "")
    {
        var inner = ex is AggregateException { InnerExceptions.Count: 1 } agg ? agg.InnerException! : ex;
        CommandLog.Record(command, ex);
        if (CommandLog.Verbose) error.WriteLine(ex);
        switch (inner)
        {
            case RangeFormatException or ArgumentException or FileNotFoundException or DirectoryNotFoundException or InvalidDataException:
                error.WriteLine($"error: {OneLine(inner.Message)}");
                return BadInput;
            case var e when IsRefused(e):
                error.WriteLine($"error: the cluster's Redis refused this process ({Reason(Refusal(e)!)}); give its password with " +
                    $"{RedisConnection.PasswordVariable} (or password=... in --cluster), an ACL user with user=... or {RedisConnection.UserVariable}, " +
                    "and with ssl=true a certificate its CA trusts (docs/security.md)");
                return BadInput;
            case ClusterUnreachableException:
                error.WriteLine($"error: {OneLine(inner.Message)}");
                return ClusterUnreachable;
            case var e when IsUnreachable(e):
                error.WriteLine($"error: lost the cluster ({Reason(e)}); check that its Redis and silos run (`range jobs --cluster REDIS`)");
                return ClusterUnreachable;
            case TypeInitializationException { TypeName: "TorchSharp.torch" } or DllNotFoundException:
                error.WriteLine("error: libtorch could not be loaded: " + FirstLine((inner.InnerException ?? inner).Message) +
                    $" (a build with -p:TorchBackend=external needs {Core.Native.ExternalLibTorch.EnvironmentVariable} set to a PyTorch installation's torch/lib folder)");
                return Failure;
            case OperationCanceledException:
                error.WriteLine("error: cancelled");
                return Failure;
            default:
                error.WriteLine($"error: {inner.GetType().Name}: {OneLine(inner.Message)} (details in {CommandLog.FilePath}; --verbose shows them)");
                return Failure;
        }
    }

    /// <summary>A failure to reach the cluster's Redis or silos (as opposed to an error a silo reported).</summary>
    public static bool IsUnreachable(Exception e) => e is RedisConnectionException or RedisTimeoutException or ConnectionFailedException
        or SiloUnavailableException or OrleansMessageRejectionException or GatewayTooBusyException or TimeoutException
        || (e is AggregateException or OrleansException && e.InnerException is { } inner && IsUnreachable(inner));

    /// <summary>Redis refused the credentials or certificate (NOAUTH, WRONGPASS, a failed TLS handshake): a configuration error, not an outage.</summary>
    public static bool IsRefused(Exception e) => Refusal(e) is not null;

    private static Exception? Refusal(Exception? e)
    {
        for (; e is not null; e = e.InnerException)
            if (e is RedisConnectionException { FailureType: ConnectionFailureType.AuthenticationFailure }
                || (e is RedisServerException && (e.Message.StartsWith("NOAUTH", StringComparison.Ordinal) || e.Message.StartsWith("WRONGPASS", StringComparison.Ordinal))))
                return e.InnerException is RedisServerException inner ? inner : e;
        return null;
    }

    /// <summary>The first sentence of <paramref name="e"/>'s message, without advice meant for programmers.</summary>
    public static string Reason(Exception e)
    {
        var message = FirstLine(e.Message);
        int stop = message.IndexOf(". ", StringComparison.Ordinal);
        return (stop > 0 ? message[..stop] : message.TrimEnd('.')).Trim();
    }

    private static string OneLine(string message) => message.ReplaceLineEndings(" ").Trim();

    private static string FirstLine(string message) => message.Trim().Split('\n')[0].Trim();
}
