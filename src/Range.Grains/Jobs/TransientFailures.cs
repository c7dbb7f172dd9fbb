using System.Diagnostics;
using Orleans.Runtime;
using Orleans.Runtime.Messaging;

namespace RangeOrleans.Grains.Jobs;

/// <summary>
/// Failures a retry can fix: the callee's silo died or cannot be reached, a call timed out, the silo is stopping (its
/// runtime services disposed), or a store the host configures (Redis, for a cluster's grain state and membership) is
/// briefly unreachable. The host names its stores' connection errors, so this layer needs no store SDK. Storage
/// providers and Orleans wrap their client's errors (an OrleansException around RedisStorageException around
/// RedisConnectionException), so inner exceptions are looked at too. An OrleansException or ObjectDisposedException
/// for any other reason (a bug, a serialization error) is not transient: retrying it would only delay the failure.
/// </summary>
public sealed class TransientFailures(IEnumerable<Type> storeFailures)
{
    private readonly Type[] _storeFailures = [.. storeFailures];

    /// <summary>Only the Orleans runtime's own transient failures (in-memory state, localhost clustering).</summary>
    public TransientFailures() : this([]) { }

    public bool IsTransient(Exception e)
    {
        for (Exception? x = e; x is not null; x = x.InnerException)
        {
            if (IsTransientItself(x)) return true;
            if (x is AggregateException aggregate && aggregate.InnerExceptions.Any(IsTransient)) return true;
        }
        return false;
    }

    private bool IsTransientItself(Exception e) =>
        e is OrleansMessageRejectionException or SiloUnavailableException or GatewayTooBusyException or ConnectionFailedException
            or ClientNotAvailableException or OrleansLifecycleCanceledException or TimeoutException
        || (e is ObjectDisposedException && ThrownByTheRuntime(e))
        || _storeFailures.Any(type => type.IsInstanceOfType(e));

    /// <summary>An object the host or Orleans owns was disposed: the silo is stopping, and the work moves to another.</summary>
    private static bool ThrownByTheRuntime(Exception e) =>
        new StackTrace(e, fNeedFileInfo: false).GetFrames().Any(frame =>
            frame.GetMethod()?.DeclaringType?.Namespace is { } ns
            && (ns.StartsWith("Orleans", StringComparison.Ordinal) || ns.StartsWith("Microsoft.Extensions.DependencyInjection", StringComparison.Ordinal)));
}
