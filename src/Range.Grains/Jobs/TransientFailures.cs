using Orleans.Runtime;

namespace RangeOrleans.Grains.Jobs;

/// <summary>
/// Failures a retry can fix: the callee's silo died or cannot be reached, a call timed out, or a store the host
/// configures (Redis, for a cluster's grain state and membership) is briefly unreachable. The host names its stores'
/// connection errors, so this layer needs no store SDK. Storage providers wrap their client's errors
/// (RedisStorageException around RedisConnectionException), so inner exceptions are looked at too.
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
        e is OrleansMessageRejectionException or SiloUnavailableException or TimeoutException or OrleansException or ObjectDisposedException
        || _storeFailures.Any(type => type.IsInstanceOfType(e));
}
